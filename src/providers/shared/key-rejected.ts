import { GatewayError } from '../../errors.js';
import { safeMessage } from '../openai-compatible/upstream-message.js';
import type { CallContext } from '../types.js';

/**
 * A provider refused the key we sent. The caller's own key: 401 naming it by label (never by
 * value) so they can fix it. The system key: an operator's problem, so 502 and no retry.
 */
export function keyRejected(call: CallContext, providerName: string): GatewayError {
  if (call.keySource === 'system') {
    return new GatewayError(
      502,
      'upstream_error',
      'system_key_rejected',
      `${providerName} rejected the gateway's own key. An operator must replace it.`,
      { retryable: false },
    );
  }
  return new GatewayError(
    401,
    'authentication_error',
    'provider_key_rejected',
    `${providerName} rejected your stored key ${safeMessage(call.keyLabel, call.apiKey)}. Update or deactivate it.`,
    { retryable: false },
  );
}
