import { type Kysely, sql } from 'kysely';
import { type AuditEvent, auditRowOf, createAuditIds } from '../audit/audit-log.js';
import type { Database } from '../store/schema.js';
import { bindingOf, type KeyOwner } from './key-owner.js';
import { type Vault, VaultError } from './vault.js';

export interface RewrapReport {
  rewrapped: number;
  /** Rows already sealed under the current secret when the run started (never read). */
  alreadyCurrent: number;
  unreadable: number;
  /** The unreadable rows' ids: left as they are, never deleted. */
  unreadableIds: string[];
  /** Secrets (by kid) that sealed unreadable rows and that this vault does not hold. */
  unknownKids: string[];
  /** Rows another writer changed mid-way (a PUT, a delete); run again to pick them up. */
  skipped: number;
}

export interface RewrapProgress {
  batch: number;
  /** Rows handled so far, of `total` rows that were not current when the run started. */
  done: number;
  total: number;
  report: Readonly<RewrapReport>;
}

export interface RewrapOptions {
  batchSize?: number;
  /** After every batch has been written (the CLI's progress). */
  onBatch?: (progress: RewrapProgress) => void;
  clock?: () => Date;
}

/** The secret a ciphertext names (`v1.<kid>.…`): an identifier, not secret. */
const kidOf = (sealed: string) => sealed.split('.', 3)[1] ?? null;

/**
 * The audit event of one rewrapped key: the operator acted, in its owner's log (a user's key in
 * the user's, an organisation's in the organisation's), with which secret it moved from and to.
 */
function rewrappedEvent(
  u: { id: string; owner: KeyOwner; preview: string; from: string },
  toKid: string,
): AuditEvent {
  const org = u.owner.kind === 'org';
  return {
    userId: org ? '' : u.owner.id,
    orgId: org ? u.owner.id : null,
    actor: 'operator',
    tokenId: null,
    requestId: null,
    ip: null,
    userAgent: null,
    action: 'key.rewrapped',
    target: { type: 'api_key', id: u.id, preview: u.preview },
    details: { fromKid: kidOf(u.from), toKid },
  };
}

const DEFAULT_BATCH = 200;

/**
 * Moves every row sealed under a previous secret to the current one, in batches by id.
 * Resumable: only rows not yet under the current secret are read (its `v1.<kid>.` prefix), so a
 * run stopped half-way and started again carries on where it stopped. Safe beside serving
 * gateways and another run: each row is rewritten only if its ciphertext is still the one read
 * (compare-and-swap), so a concurrent PUT or rewrap is never overwritten. Each batch is sealed
 * first, then written in one short transaction with a `key.rewrapped` audit row for each key it
 * moved. Unreadable rows are counted and listed by id, never changed.
 */
export async function rewrapAll(
  db: Kysely<Database>,
  vault: Vault,
  opts: RewrapOptions = {},
): Promise<RewrapReport> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const clock = opts.clock ?? (() => new Date());
  const nextAuditId = createAuditIds();
  const current = `v1.${vault.currentKid}.%`;
  const counts = await db
    .selectFrom('api_keys')
    .select([
      sql<number>`count(*)`.as('total'),
      sql<number>`sum(case when encrypted_key like ${current} then 1 else 0 end)`.as('current'),
    ])
    .executeTakeFirstOrThrow();
  const alreadyCurrent = Number(counts.current ?? 0);
  const total = Number(counts.total) - alreadyCurrent;
  const report: RewrapReport = {
    rewrapped: 0,
    alreadyCurrent,
    unreadable: 0,
    unreadableIds: [],
    unknownKids: [],
    skipped: 0,
  };
  let after = '';
  let done = 0;
  for (let batch = 1; ; batch++) {
    const rows = await db
      .selectFrom('api_keys')
      .select(['id', 'owner_kind', 'user_id', 'provider', 'encrypted_key', 'key_preview'])
      .where('id', '>', after)
      .where('encrypted_key', 'not like', current)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return report;
    after = rows[rows.length - 1]!.id;
    const updates: { id: string; owner: KeyOwner; preview: string; from: string; to: string }[] = [];
    for (const row of rows) {
      const owner = { kind: row.owner_kind === 'org' ? 'org' : 'user', id: row.user_id } as const;
      const binding = bindingOf(owner, row.id, row.provider);
      try {
        const plaintext = await vault.open(row.encrypted_key, binding);
        updates.push({
          id: row.id,
          owner,
          preview: row.key_preview,
          from: row.encrypted_key,
          to: await vault.seal(plaintext, binding),
        });
      } catch (err) {
        if (!(err instanceof VaultError)) throw err;
        report.unreadable++;
        report.unreadableIds.push(row.id);
        if (err.reason === 'unknown_kid' && err.kid && !report.unknownKids.includes(err.kid))
          report.unknownKids.push(err.kid);
      }
    }
    if (updates.length > 0) {
      const written = await db.transaction().execute(async (trx) => {
        const audited = [];
        for (const u of updates) {
          const result = await trx
            .updateTable('api_keys')
            .set({ encrypted_key: u.to })
            .where('id', '=', u.id)
            .where('owner_kind', '=', u.owner.kind)
            .where('user_id', '=', u.owner.id)
            .where('encrypted_key', '=', u.from)
            .executeTakeFirst();
          if (Number(result.numUpdatedRows) > 0) audited.push(u);
        }
        const now = clock();
        const at = now.toISOString();
        if (audited.length > 0)
          await trx
            .insertInto('audit_events')
            .values(audited.map((u) => auditRowOf(nextAuditId(now), rewrappedEvent(u, vault.currentKid), at)))
            .execute();
        return audited.length;
      });
      report.rewrapped += written;
      report.skipped += updates.length - written;
    }
    done += rows.length;
    opts.onBatch?.({ batch, done, total, report });
  }
}
