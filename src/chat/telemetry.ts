import type { Kysely } from 'kysely';
import type { Logger } from '../ops/logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { Database } from '../store/schema.js';
import { accountCall } from '../usage/call-usage.js';
import type { TouchCoalescer } from '../usage/touch-coalescer.js';
import { createTouchCoalescer } from '../usage/touch-coalescer.js';
import type { UsageRecorder } from '../usage/usage-recorder.js';
import { orgOwner, userOwner } from '../vault/key-owner.js';
import { touchKey } from '../vault/keys-repo.js';
import type { ChatTelemetry } from './call-observer.js';

/**
 * Chat telemetry over metrics, the log, lastUsedAt writes and usage rows. Everything here runs
 * after the response or beside the stream, never in front of the upstream call.
 */
export function createChatTelemetry(opts: {
  db: Kysely<Database>;
  metrics: Metrics;
  logger: Logger;
  touchIntervalMs: number;
  usage: UsageRecorder;
  clock: () => Date;
}): ChatTelemetry & { drain(): Promise<void> } {
  const { metrics, logger } = opts;
  // Asked once: below info the per-call line's fields are never built.
  const logCalls = logger.enabled('info');
  // The coalescer keys by one string; an id cannot contain a NUL, so it separates the ids: a
  // user's key is `user NUL key`, an organisation's `NUL org NUL key` (three parts).
  const keyTouches: TouchCoalescer = createTouchCoalescer(
    opts.touchIntervalMs,
    (compound, at) => {
      const parts = compound.split('\u0000');
      const owner = parts.length === 3 ? orgOwner(parts[1] as string) : userOwner(parts[0] as string);
      return touchKey(opts.db, owner, parts[parts.length - 1] as string, at);
    },
    () => logger.warn('could not record key use'),
  );

  return {
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
      const a = s.account;
      // lastUsedAt: after the call, like the usage row, never in front of the upstream call.
      if (a.keyId)
        keyTouches.touch(
          a.keySource === 'org' ? `\u0000${a.orgId}\u0000${a.keyId}` : `${a.userId}\u0000${a.keyId}`,
          new Date(),
        );
      metrics.chatRequests.inc({
        provider: s.provider,
        key_source: a.keySource,
        stream: s.stream,
        status: s.status,
      });
      metrics.upstreamDuration.observe({ provider: s.provider }, s.durationMs / 1000);
      if (s.ttfbMs !== undefined) metrics.upstreamTtfb.observe({ provider: s.provider }, s.ttfbMs / 1000);
      if (s.usage) {
        metrics.tokens.inc({ provider: s.provider, direction: 'prompt' }, s.usage.prompt_tokens);
        metrics.tokens.inc({ provider: s.provider, direction: 'completion' }, s.usage.completion_tokens);
      }
      const { event, settlement } = accountCall(a, s, opts.clock().toISOString());
      opts.usage.record(event, settlement);
      if (!logCalls) return;
      logger.info('chat finished', {
        requestId: a.requestId,
        userId: a.userId,
        provider: s.provider,
        keySource: a.keySource,
        model: a.model,
        stream: s.stream,
        outcome: s.outcome,
        durationMs: Math.round(s.durationMs),
        ttfbMs: s.ttfbMs === undefined ? undefined : Math.round(s.ttfbMs),
        promptTokens: event?.promptTokens,
        completionTokens: event?.completionTokens,
        costUsd: event?.costUsd ?? undefined,
        estimated: event?.estimated || undefined,
      });
    },
    drain: async () => {
      await Promise.all([keyTouches.flush(), opts.usage.flush()]);
    },
  };
}
