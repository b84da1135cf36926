import type { GatewayError } from '../errors.js';
import type { JsonObjectText } from './kit/json-members.js';
import type { Provider } from './kit/providers.js';
import type { StreamError } from './kit/sse-error-event.js';

/** One HTTP call to a provider, as built by an adapter. The key travels only in `headers`. */
export interface UpstreamRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * An upstream answer whose headers have arrived. Read the body once, chunk by chunk through
 * `body` (src/chat/forward.ts bounds what it reads). No Web Stream is built for it: the Node client
 * hands undici's body (a Node Readable) as it is.
 */
export interface UpstreamResponse {
  status: number;
  /** Built on first read (undici hands a plain object): read it only when it matters. */
  readonly headers: Headers;
  /** The body's bytes; its iterator rejects when the connection is cut or the call is aborted. */
  body: AsyncIterable<Uint8Array>;
  /** Stops reading and releases the connection. Safe at any time, more than once, after the end. */
  cancel(): void;
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
  /** What the call cost in USD, when the provider says (OpenRouter's `usage.cost`). */
  cost?: number;
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

/**
 * The client's own JSON text of a chat request, handed along only while the request is still
 * exactly the value parsed from it (src/chat/routes.ts): a pass-through adapter may send it with
 * the model swapped in instead of serialising the request (openai-compatible/client-body.ts).
 */
export interface ClientBody {
  text: string;
  /** Members of the parsed value's objects, as checkJsonDepth counted them. */
  members: number;
  /** The text's top-level members, found by the first call that needs them (a failover reuses them). */
  shape?: JsonObjectText | null;
}

/** Everything an adapter needs to know about this one call. */
export interface CallContext {
  provider: Provider;
  /** The model id as the provider expects it (prefix stripped, or vendor/model for OpenRouter). */
  upstreamModel: string;
  /** Plaintext key, in memory for this call only. Never log it, never put it in an error. */
  apiKey: string;
  /** How to name the key in an error: its keyName or preview, never its value. */
  keyLabel: string;
  /** Whose key: the caller's own, their organisation's, or the operator's system key. */
  keySource: 'user' | 'org' | 'system';
  baseUrl: string;
  stream: boolean;
  /** Whether the client asked for the usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
  /** OpenRouter attribution (HTTP-Referer, X-Title). */
  attribution: { referer: string; title: string };
  /** The client's text of this very request, when it has not been changed on the way. */
  clientBody?: ClientBody;
}

export interface StreamHooks {
  /**
   * Usage as the upstream reports it: each OpenAI-compatible usage report as it comes; a translated
   * stream's running total once, when the stream ends either way.
   */
  onUsage(usage: Usage): void;
}

/**
 * One stream's translation, driven by whoever reads the upstream: each step returns the bytes for
 * the client, if any (one chunk per call). Neither step throws. Built by `createRelay`
 * (providers/kit/create-relay.ts), which every adapter's `stream-relay.ts` uses.
 */
export interface StreamRelay {
  /** One upstream chunk in. */
  push(chunk: Uint8Array): Uint8Array | undefined;
  /**
   * The upstream ended (called once, after the last `push`): what is left, then `[DONE]` or the
   * final error event. `cause` says why the upstream stopped early (connection cut, idle timeout),
   * when it did; without one, an upstream that stopped before its end marker is still an error.
   */
  finish(cause?: StreamError): Uint8Array | undefined;
}

export interface ProviderAdapter {
  /** Builds the upstream call for a chat completion (stream or not). */
  buildRequest(chat: ChatRequest, call: CallContext): UpstreamRequest;
  /** A 2xx non-streaming body → OpenAI chat.completion JSON text, plus usage if reported. Throws GatewayError for a 200 that carries an error. */
  readResponse(bodyText: string, call: CallContext): { body: string; usage?: Usage };
  /** A 2xx SSE body → OpenAI SSE: chunks, then `data: [DONE]`, or a final `data: {"error":…}` and no `[DONE]`. */
  streamRelay(call: CallContext, hooks: StreamHooks): StreamRelay;
  /** A non-2xx answer → the contract's error, with every key and key-like string scrubbed from any upstream text. */
  toError(status: number, headers: Headers, bodyText: string, call: CallContext): GatewayError;
  /** The cheapest request that tells whether a key is valid (no tokens spent). */
  verifyKeyRequest(provider: Provider, apiKey: string, baseUrl: string): UpstreamRequest;
}
