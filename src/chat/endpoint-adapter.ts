import type { Provider } from '../providers/kit/providers.js';
import { adapterFor } from '../providers/registry.js';
import type { ProviderAdapter } from '../providers/types.js';

/**
 * An adapter for an endpoint other than chat completions (embeddings, a native pass-through):
 * the route supplies how to build the call and read its answer; errors are read exactly as the
 * provider's chat adapter reads them (same statuses, codes, key scrubbing), so every route maps
 * an upstream failure the same way.
 */
export function endpointAdapter(
  provider: Provider,
  parts: Pick<ProviderAdapter, 'buildRequest' | 'readResponse'> &
    Partial<Pick<ProviderAdapter, 'streamRelay'>>,
): ProviderAdapter {
  const base = adapterFor(provider);
  return {
    buildRequest: parts.buildRequest,
    readResponse: parts.readResponse,
    streamRelay:
      parts.streamRelay ??
      (() => {
        throw new Error('this endpoint does not stream');
      }),
    toError: base.toError,
    verifyKeyRequest: base.verifyKeyRequest,
  };
}
