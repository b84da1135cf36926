import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface RetentionReport {
  usageRows: number;
  auditRows: number;
  marks: number;
}

export interface RetentionOptions {
  /** USAGE_RETENTION_DAYS and AUDIT_RETENTION_DAYS; 0 keeps rows forever. */
  usageDays: number;
  auditDays: number;
  /** Rows per DELETE: small, so each statement holds SQLite's write lock only briefly. */
  batchSize?: number;
  /** Batches per run at most; the next run carries on. */
  maxBatches?: number;
  /** Waits this long between two batches, so requests' writes get the database in between. */
  pauseMs?: number;
}

const DAY_MS = 86_400_000;

type Pruned = 'usage_events' | 'audit_events' | 'audit_marks';

/** Deletes one batch of rows older than `cutoff`; how many went. */
async function deleteBatch(db: Kysely<Database>, table: Pruned, cutoff: string, n: number): Promise<number> {
  // Rows are picked by a bounded sub-select on the created_at index: a plain DELETE … WHERE
  // created_at < cutoff could remove millions of rows in one statement.
  const result =
    table === 'audit_marks'
      ? await db
          .deleteFrom('audit_marks')
          .where(
            'mark',
            'in',
            db.selectFrom('audit_marks').select('mark').where('created_at', '<', cutoff).limit(n),
          )
          .executeTakeFirst()
      : await db
          .deleteFrom(table)
          .where('id', 'in', db.selectFrom(table).select('id').where('created_at', '<', cutoff).limit(n))
          .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * One retention run: usage rows older than USAGE_RETENTION_DAYS, audit rows (and their marks)
 * older than AUDIT_RETENTION_DAYS, in batches with a pause between them. It runs beside requests,
 * never in front of one (a timer on Node, the cron trigger on Workers).
 */
export async function pruneExpired(
  db: Kysely<Database>,
  now: Date,
  opts: RetentionOptions,
): Promise<RetentionReport> {
  const batchSize = opts.batchSize ?? 500;
  const maxBatches = opts.maxBatches ?? 200;
  const pauseMs = opts.pauseMs ?? 20;
  const report: RetentionReport = { usageRows: 0, auditRows: 0, marks: 0 };
  const plan: [Pruned, number, keyof RetentionReport][] = [
    ['usage_events', opts.usageDays, 'usageRows'],
    ['audit_events', opts.auditDays, 'auditRows'],
    ['audit_marks', opts.auditDays, 'marks'],
  ];
  let batches = 0;
  for (const [table, days, field] of plan) {
    if (days <= 0) continue;
    const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
    for (;;) {
      if (batches++ >= maxBatches) return report;
      const n = await deleteBatch(db, table, cutoff, batchSize);
      report[field] += n;
      if (n < batchSize) break;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
  return report;
}

/**
 * Runs `prune` a minute after start and then every hour (Node; a Worker uses its cron trigger).
 * A run that fails is logged and retried at the next tick; `stop` waits for a run in progress.
 */
export function startRetentionTimer(
  prune: () => Promise<RetentionReport>,
  logger: { info(msg: string, f?: object): void; warn(msg: string, f?: object): void },
  { firstMs = 60_000, everyMs = 3_600_000 } = {},
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const tick = () => {
    running = prune()
      .then((r) => {
        if (r.usageRows + r.auditRows + r.marks > 0) logger.info('retention: old rows deleted', { ...r });
      })
      .catch((err: unknown) => logger.warn('retention run failed; will retry', { error: String(err) }))
      .finally(() => {
        if (!stopped) arm(everyMs);
      });
  };
  const arm = (ms: number) => {
    timer = setTimeout(tick, ms);
    (timer as { unref?: () => void }).unref?.();
  };
  arm(firstMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
