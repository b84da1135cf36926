import type { Provider } from '../providers/shared/providers.js';
import type { Usage } from '../providers/types.js';
import type { CallObserver } from './forward.js';

/** One finished chat call, as metrics and the usage log see it. No key, no content. */
export interface ChatCallSummary {
  requestId: string;
  userId: string;
  provider: Provider;
  keySource: 'user' | 'system';
  model: string;
  stream: boolean;
  outcome: 'done' | 'error' | 'interrupted' | 'cancelled';
  durationMs: number;
  ttfbMs: number | undefined;
  usage: Usage | undefined;
}

/** Where chat calls report to; built once per app (metrics, logs, lastUsedAt). */
export interface ChatTelemetry {
  onKeyUsed(userId: string, keyId: string): void;
  onDecryptFailure(): void;
  onStreamOpen(provider: Provider): void;
  onStreamClose(provider: Provider): void;
  onCallEnd(summary: ChatCallSummary): void;
}

export function callObserver(
  telemetry: ChatTelemetry,
  call: Pick<ChatCallSummary, 'requestId' | 'userId' | 'provider' | 'keySource' | 'model' | 'stream'>,
): CallObserver {
  let ttfbMs: number | undefined;
  let usage: Usage | undefined;
  let streaming = false;
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
    onEnd(outcome, ms) {
      if (streaming) telemetry.onStreamClose(call.provider);
      telemetry.onCallEnd({ ...call, outcome, durationMs: ms, ttfbMs, usage });
    },
  };
}
