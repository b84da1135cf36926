import type { Kysely } from 'kysely';
import type { Logger } from '../ops/logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { Database } from '../store/schema.js';
import type { TouchCoalescer } from '../usage/touch-coalescer.js';
import { createTouchCoalescer } from '../usage/touch-coalescer.js';
import { touchKey } from '../vault/keys-repo.js';
import type { ChatTelemetry } from './call-observer.js';

const OUTCOME_STATUS = { done: 200, error: 502, interrupted: 502, cancelled: 499 } as const;

/**
 * Chat telemetry over metrics, the log and lastUsedAt writes. Everything here runs after the
 * response or beside the stream, never in front of the upstream call.
 */
export function createChatTelemetry(opts: {
  db: Kysely<Database>;
  metrics: Metrics;
  logger: Logger;
  touchIntervalMs: number;
}): ChatTelemetry & { drain(): Promise<void> } {
  const { metrics, logger } = opts;
  // The coalescer keys by one string; a user id cannot contain a NUL, so it separates the two ids.
  const keyTouches: TouchCoalescer = createTouchCoalescer(
    opts.touchIntervalMs,
    (compound, at) => {
      const [userId, keyId] = compound.split('\u0000') as [string, string];
      return touchKey(opts.db, userId, keyId, at);
    },
    () => logger.warn('could not record key use'),
  );

  return {
    onKeyUsed(userId, keyId) {
      keyTouches.touch(`${userId}\u0000${keyId}`, new Date());
    },
    onDecryptFailure() {
      metrics.storedKeyDecryptFailures.inc();
    },
    onStreamOpen(provider) {
      metrics.streamsInFlight.inc({ provider });
    },
    onStreamClose(provider) {
      metrics.streamsInFlight.dec({ provider });
    },
    onCallEnd(s) {
      metrics.chatRequests.inc({
        provider: s.provider,
        key_source: s.keySource,
        stream: s.stream,
        status: OUTCOME_STATUS[s.outcome],
      });
      metrics.upstreamDuration.observe({ provider: s.provider }, s.durationMs / 1000);
      if (s.ttfbMs !== undefined) metrics.upstreamTtfb.observe({ provider: s.provider }, s.ttfbMs / 1000);
      if (s.usage) {
        metrics.tokens.inc({ provider: s.provider, direction: 'prompt' }, s.usage.prompt_tokens);
        metrics.tokens.inc({ provider: s.provider, direction: 'completion' }, s.usage.completion_tokens);
      }
      logger.info('chat finished', {
        requestId: s.requestId,
        userId: s.userId,
        provider: s.provider,
        keySource: s.keySource,
        model: s.model,
        stream: s.stream,
        outcome: s.outcome,
        durationMs: Math.round(s.durationMs),
        ttfbMs: s.ttfbMs === undefined ? undefined : Math.round(s.ttfbMs),
        promptTokens: s.usage?.prompt_tokens,
        completionTokens: s.usage?.completion_tokens,
      });
    },
    drain: () => keyTouches.flush(),
  };
}
