import type { Deps } from '../deps.js';
import { upstreamTimeout, upstreamUnreachable } from '../errors.js';
import { readErrorBody, safeMessage } from '../providers/kit/error-body.js';
import { type Provider, providerLabel } from '../providers/kit/providers.js';
import { adapterFor } from '../providers/registry.js';
import type { CallContext, UpstreamResponse } from '../providers/types.js';

/** What the provider said about a key, as `POST …/verify` answers it. */
export interface KeyCheck {
  valid: boolean;
  checkedAt: string;
  /** The provider's reason for refusing the key, scrubbed of key material. */
  message?: string;
}

const MAX_BODY = 64 * 1024;

async function readBounded(res: UpstreamResponse): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of res.body) {
    text += decoder.decode(chunk, { stream: true });
    if (text.length > MAX_BODY) {
      res.cancel();
      break;
    }
  }
  return text + decoder.decode();
}

/**
 * Asks the provider whether it accepts `apiKey`, with its cheapest call that spends no tokens
 * (the adapter's `verifyKeyRequest`: a one-item model list, OpenRouter's /key). 2xx → valid; the
 * provider refusing the key (what its adapter maps to `provider_key_rejected`: 401, OpenRouter's
 * 403, Gemini's API_KEY_INVALID) → not valid, with its reason. Anything else is thrown as the
 * adapter maps it (a 429 stays 429, a 5xx is 502), and an unreachable provider is 502
 * `upstream_unreachable`: the key's status is then left as it was.
 */
export async function checkKeyWithProvider(
  deps: Pick<Deps, 'upstream' | 'config' | 'clock'>,
  provider: Provider,
  apiKey: string,
  keyLabel: string,
): Promise<KeyCheck> {
  const { config } = deps;
  const adapter = adapterFor(provider);
  const baseUrl = config.baseUrls[provider];
  const request = adapter.verifyKeyRequest(provider, apiKey, baseUrl);
  const signal = AbortSignal.timeout(config.upstreamTimeoutMs);
  let text: string;
  let res: UpstreamResponse;
  try {
    res = await deps.upstream.send(request, signal);
    text = await readBounded(res);
  } catch {
    if (signal.aborted) throw upstreamTimeout(config.upstreamTimeoutMs);
    throw upstreamUnreachable();
  }
  const checkedAt = deps.clock().toISOString();
  if (res.status >= 200 && res.status < 300) return { valid: true, checkedAt };
  const call: CallContext = {
    provider,
    upstreamModel: '',
    apiKey,
    keyLabel,
    keySource: 'user',
    baseUrl,
    stream: false,
    includeUsage: false,
    attribution: { referer: config.openrouterReferer, title: config.openrouterTitle },
  };
  const err = adapter.toError(res.status, res.headers, text, call);
  if (err.code !== 'provider_key_rejected') throw err;
  const said = readErrorBody(text).message;
  const message = said
    ? `${providerLabel(provider)}: ${safeMessage(said, apiKey)}`
    : `${providerLabel(provider)} rejected the key (HTTP ${res.status}).`;
  return { valid: false, checkedAt, message };
}
