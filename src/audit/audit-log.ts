import type { Kysely } from 'kysely';
import type { Logger } from '../ops/logger.js';
import type { Database } from '../store/schema.js';

/** What can happen to a key or a token, as the audit log names it (README "Audit log"). */
type AuditAction =
  | 'key.created'
  | 'key.updated'
  | 'key.replaced'
  | 'key.verified'
  | 'key.rejected'
  | 'key.deleted'
  | 'key.new_ip'
  | 'key.budget_reached'
  | 'key.rewrapped'
  | 'token.created'
  | 'token.revoked'
  | 'token.org_detached';

/** Who did it: the caller (user id, and JWT or which token), the operator (rewrap), with where from. */
export interface AuditActor {
  userId: string;
  /** The caller's organisation when the event concerns it (an organisation's key). */
  orgId: string | null;
  actor: 'jwt' | 'token' | 'operator';
  tokenId: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** One event: what, on which object (its id and preview, never a secret), and plain details. */
export interface AuditEvent extends AuditActor {
  action: AuditAction;
  target: { type: 'api_key' | 'access_token' | 'system_key'; id: string | null; preview: string | null };
  /** Small, secret-free facts: which fields changed, the scopes granted, the verify result. */
  details?: Record<string, string | number | boolean | null | string[]>;
}

export interface AuditLog {
  /** Queues the event; never throws, never waits (so it can sit on a chat request's path). */
  record(event: AuditEvent): void;
  /**
   * Records `event` only the first time `mark` is seen by any instance (a row in audit_marks,
   * inserted ON CONFLICT DO NOTHING). `event` is built when the mark is new, off the request's path.
   */
  once(mark: string, event: () => Promise<AuditEvent | undefined>): void;
  /** Writes everything queued: before the log is read, on shutdown, after each Worker request. */
  flush(): Promise<void>;
}

/** 14 columns: 7 rows per INSERT stays under D1's 100 bound parameters per statement. */
const ROWS_PER_INSERT = 7;
const MAX_QUEUED = 50_000;
/** Marks this instance already wrote (or found): not asked of the database again. */
const MAX_MARKS_REMEMBERED = 50_000;

/**
 * Ids sort in time order: 12 hex digits of milliseconds, 6 of a per-process sequence (so events
 * of one millisecond keep their order), then 8 random hex digits (instances never collide).
 */
export function createAuditIds(): (now: Date) => string {
  let lastMs = 0;
  let seq = 0;
  return (now) => {
    let ms = now.getTime();
    if (ms <= lastMs) {
      ms = lastMs;
      seq++;
    } else {
      lastMs = ms;
      seq = 0;
    }
    const rand = crypto.getRandomValues(new Uint32Array(1))[0] as number;
    return (
      ms.toString(16).padStart(12, '0') +
      seq.toString(16).padStart(6, '0') +
      rand.toString(16).padStart(8, '0')
    );
  };
}

const clip = (s: string | null, max: number) => (s === null ? null : s.slice(0, max));

/** An event as its audit_events row (also for writers outside a request: a rewrap run). */
export function auditRowOf(id: string, e: AuditEvent, createdAt: string) {
  return {
    id,
    user_id: e.userId,
    org_id: e.orgId,
    actor: e.actor,
    actor_token_id: e.tokenId,
    action: e.action,
    target_type: e.target.type,
    target_id: e.target.id,
    target_preview: e.target.preview,
    details: e.details ? JSON.stringify(e.details) : null,
    request_id: e.requestId,
    ip: clip(e.ip, 64),
    user_agent: clip(e.userAgent, 256),
    created_at: createdAt,
  };
}

type Row = ReturnType<typeof auditRowOf>;

/**
 * The audit writer. Rows are batched like usage rows (a timer on Node, `flush` after each Worker
 * request and before the log is read), one write at a time and in order; a failed write keeps its
 * rows for the next attempt. The time of an event is when it was recorded, not when it was written.
 */
export function createAuditLog(opts: {
  db: Kysely<Database>;
  logger: Logger;
  clock: () => Date;
  intervalMs?: number;
}): AuditLog {
  const { db, logger, clock } = opts;
  const intervalMs = opts.intervalMs ?? 1_000;
  const nextId = createAuditIds();
  let rows: Row[] = [];
  let pendingOnce: { mark: string; id: string; at: string; event: () => Promise<AuditEvent | undefined> }[] =
    [];
  const marksSeen = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();

  async function resolveOnce(batch: typeof pendingOnce): Promise<Row[]> {
    const out: Row[] = [];
    for (const item of batch) {
      try {
        const result = await db
          .insertInto('audit_marks')
          .values({ mark: item.mark, created_at: item.at })
          .onConflict((oc) => oc.column('mark').doNothing())
          .executeTakeFirst();
        if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) continue;
        const event = await item.event();
        if (event) out.push(auditRowOf(item.id, event, item.at));
      } catch (err) {
        marksSeen.delete(item.mark);
        logger.warn('could not record an audit mark', { error: String(err) });
      }
    }
    return out;
  }

  async function write(batch: Row[], onceBatch: typeof pendingOnce): Promise<void> {
    const all = [...batch, ...(await resolveOnce(onceBatch))];
    for (let i = 0; i < all.length; i += ROWS_PER_INSERT) {
      const chunk = all.slice(i, i + ROWS_PER_INSERT);
      try {
        await db
          .insertInto('audit_events')
          .values(chunk)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      } catch (err) {
        rows = [...all.slice(i), ...rows].slice(-MAX_QUEUED);
        logger.warn('could not write audit events; will retry', { rows: all.length - i, error: String(err) });
        return;
      }
    }
  }

  function start(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = rows;
    const onceBatch = pendingOnce;
    rows = [];
    pendingOnce = [];
    writing = writing.then(() =>
      batch.length > 0 || onceBatch.length > 0 ? write(batch, onceBatch) : undefined,
    );
    return writing;
  }

  function soon(): void {
    if (timer) return;
    timer = setTimeout(() => void start(), intervalMs);
    // Node: a queued write must not keep the process alive (drain() writes it on shutdown).
    (timer as { unref?: () => void }).unref?.();
  }

  return {
    record(event) {
      const now = clock();
      rows.push(auditRowOf(nextId(now), event, now.toISOString()));
      if (rows.length > MAX_QUEUED) {
        logger.error('audit events dropped: the database refused writes for too long', { rows: 1 });
        rows.shift();
      }
      soon();
    },
    once(mark, event) {
      if (marksSeen.has(mark)) return;
      if (marksSeen.size >= MAX_MARKS_REMEMBERED) marksSeen.clear();
      marksSeen.add(mark);
      // The id is taken now, so the event sits in the log where it happened, not where it was written.
      const now = clock();
      pendingOnce.push({ mark, id: nextId(now), at: now.toISOString(), event });
      soon();
    },
    async flush() {
      await start();
      if (rows.length > 0) await start();
    },
  };
}
