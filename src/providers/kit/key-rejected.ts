import {
  type GatewayError,
  orgKeyRejected,
  keyRejected as providerKeyRejected,
  systemKeyRejected,
} from '../../errors.js';
import type { CallContext } from '../types.js';
import { safeMessage } from './error-body.js';

/**
 * A provider refused the key we sent. The caller's own key: 401 naming it by label (never by
 * value) so they can fix it; an organisation's key: the same 401, saying whose it is (its admins
 * fix it). The system key: an operator's problem, so 502 and no retry.
 */
export function keyRejected(call: CallContext, providerName: string): GatewayError {
  if (call.keySource === 'system') return systemKeyRejected(providerName);
  const label = safeMessage(call.keyLabel, call.apiKey);
  return call.keySource === 'org'
    ? orgKeyRejected(providerName, label)
    : providerKeyRejected(providerName, label);
}
