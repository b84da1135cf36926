/**
 * Production checks on secrets and URLs beyond their shape: the mistakes that make a vault's
 * encryption or a JWT's signature worth little. Messages name the variable, never its value.
 */

/** Shannon entropy of the characters actually used, in bits for the whole string. */
function estimatedBits(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...s].length;
  let bitsPerChar = 0;
  for (const c of counts.values()) bitsPerChar -= (c / n) * Math.log2(c / n);
  return bitsPerChar * n;
}

/** True when `s` is a shorter string repeated (`abab…`, `passwordpassword…`). */
function isRepetition(s: string): boolean {
  return /^(.+?)\1+$/su.test(s);
}

/**
 * A secret of 32+ characters can still be guessable: one repeated character, a repeated word, a
 * run of digits. 96 bits of character entropy is far below what `openssl rand -hex 16` (about 115
 * measured this way) or a generated secret (about 270) show, and far above what those mistakes show.
 */
const MIN_SECRET_BITS = 96;

export function lowEntropy(secret: string): boolean {
  return isRepetition(secret) || estimatedBits(secret) < MIN_SECRET_BITS;
}

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** https, or http to this machine only (an identity provider beside the gateway, tests). */
export function safeKeySetUrl(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'https:' || LOOPBACK_HOSTS.test(u.hostname);
}

const DURATION = /^(\d+)\s*(s|m|h|d)?$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `3600`, `90s`, `30m`, `24h`, `7d` → seconds; undefined when it is not a positive duration. */
export function durationSeconds(value: string): number | undefined {
  const m = DURATION.exec(value.trim());
  if (!m) return undefined;
  const seconds = Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1);
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}
