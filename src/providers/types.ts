import type { ProviderId } from '../config.js';
import type { GatewayError } from '../errors.js';

export type { ProviderId };

/** One HTTP call to a provider, as built by an adapter. The key travels only in `headers`. */
export interface UpstreamRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  body: ReadableStream<Uint8Array>;
}

/**
 * deps.upstream: global fetch on Workers, undici's `request` over a keep-alive pool on Node.
 * Resolves when the response headers arrive; rejects on network failure or when `signal` aborts.
 */
export interface UpstreamClient {
  send(req: UpstreamRequest, signal: AbortSignal): Promise<UpstreamResponse>;
  close?(): Promise<void>;
}

/** OpenAI's usage object; the optional details are kept when a provider reports them. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: Record<string, number>;
  completion_tokens_details?: Record<string, number>;
}

/**
 * A chat completions request after validation: the fields the gateway relies on are typed,
 * every other field is kept untouched for pass-through.
 */
export interface ChatRequest {
  model: string;
  messages: Record<string, unknown>[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean; [k: string]: unknown } | null;
  [field: string]: unknown;
}

/** Everything an adapter needs to know about this one call. */
export interface CallContext {
  provider: ProviderId;
  /** The model id as the provider expects it (prefix stripped, or vendor/model for OpenRouter). */
  upstreamModel: string;
  /** Plaintext key, in memory for this call only. Never log it, never put it in an error. */
  apiKey: string;
  /** How to name the key in an error: its keyName or preview, never its value. */
  keyLabel: string;
  keySource: 'user' | 'system';
  baseUrl: string;
  stream: boolean;
  /** Whether the client asked for the usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** OpenRouter attribution (HTTP-Referer, X-Title). */
  attribution: { referer: string; title: string };
}

export interface StreamHooks {
  /** Called once per usage report seen in the upstream stream. */
  onUsage(usage: Usage): void;
  /**
   * Why the upstream byte stream ended early (connection cut, idle timeout), if it did. The
   * transform asks in `flush` and ends the client stream with this error instead of `[DONE]`.
   */
  interruption(): GatewayError | undefined;
}

export interface ProviderAdapter {
  /** Builds the upstream call for a chat completion (stream or not). */
  buildRequest(chat: ChatRequest, call: CallContext): UpstreamRequest;
  /** A 2xx non-streaming body → OpenAI chat.completion JSON text, plus usage if reported. Throws GatewayError for a 200 that carries an error. */
  readResponse(bodyText: string, call: CallContext): { body: string; usage?: Usage };
  /** A 2xx SSE body → OpenAI SSE: chunks, then `data: [DONE]`, or a final `data: {"error":…}` and no `[DONE]`. */
  streamTransform(call: CallContext, hooks: StreamHooks): TransformStream<Uint8Array, Uint8Array>;
  /** A non-2xx answer → the contract's error, with every key and key-like string scrubbed from any upstream text. */
  toError(status: number, headers: Headers, bodyText: string, call: CallContext): GatewayError;
  /** The cheapest request that tells whether a key is valid (no tokens spent). */
  verifyKeyRequest(provider: ProviderId, apiKey: string, baseUrl: string): UpstreamRequest;
}
