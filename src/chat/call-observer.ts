import type { Provider } from '../providers/kit/providers.js';
import type { Usage } from '../providers/types.js';
import type { CallAccount, CallEnd } from '../usage/call-usage.js';
import { createRelayedTextCounter } from '../usage/estimate.js';
import type { CallObserver } from './forward.js';

/** One finished chat call, as metrics, the log and the usage table see it. No key, no content. */
interface ChatCallSummary extends CallEnd {
  account: CallAccount;
  provider: Provider;
  stream: boolean;
}

/** Where chat calls report to; built once per app (metrics, logs, lastUsedAt, usage). */
export interface ChatTelemetry {
  onDecryptFailure(): void;
  onStreamOpen(provider: Provider): void;
  onStreamClose(provider: Provider): void;
  onCallEnd(summary: ChatCallSummary): void;
}

const OUTCOME_STATUS = { done: 200, error: 502, interrupted: 502, cancelled: 499 } as const;

export function callObserver(
  telemetry: ChatTelemetry,
  call: { provider: Provider; stream: boolean; account: Omit<CallAccount, 'estimateCompletionTokens'> },
): CallObserver {
  let ttfbMs: number | undefined;
  let usage: Usage | undefined;
  let streaming = false;
  let ended = false;
  // Generated text relayed to the client, counted only for a completion estimate; a stream that
  // reports its usage (as most do at the end) never needs it.
  const relayed = createRelayedTextCounter();
  const account: CallAccount = { ...call.account, estimateCompletionTokens: relayed.tokens };
  return {
    onFirstByte(ms) {
      ttfbMs = ms;
      if (call.stream) {
        streaming = true;
        telemetry.onStreamOpen(call.provider);
      }
    },
    onUsage(u) {
      usage = u;
    },
    onRelayed(bytes) {
      if (!usage) relayed.add(bytes);
    },
    onEnd(outcome, ms, status) {
      // Once: the route also ends a call whose request could not even be built (its reservation is released).
      if (ended) return;
      ended = true;
      if (streaming) telemetry.onStreamClose(call.provider);
      telemetry.onCallEnd({
        account,
        provider: call.provider,
        stream: call.stream,
        outcome,
        status: status ?? OUTCOME_STATUS[outcome],
        durationMs: ms,
        ttfbMs,
        usage,
      });
    },
  };
}
