/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then the version, 74 random bits and
 * the variant. For rows written in bulk (usage_events), where the primary key's index decides
 * what an insert costs: random v4 ids land on a random leaf page each, so a batch of 64 rows
 * dirties up to 64 pages of the index (and SQLite appends each to its WAL); ids that grow with
 * time append to the last page (figures in usage/usage-recorder.ts). The random part is taken
 * from `crypto.randomUUID()`, which draws from a pooled buffer: a `getRandomValues` call per id
 * costs several times more on Node. Web standards only (Workers too).
 */
export function timeOrderedId(nowMs: number = Date.now()): string {
  // v4: xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx (V holds the variant bits, kept as they are).
  const random = crypto.randomUUID();
  const time = Math.trunc(nowMs).toString(16).padStart(12, '0').slice(-12);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}
