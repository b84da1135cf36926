/**
 * Removes credentials from free text (upstream error messages, log lines) before it leaves the
 * gateway: some providers echo the key they were sent, whole or in part. No `node:` imports, so it
 * runs on Cloudflare Workers too.
 */

import { toBase64Url, toHex, utf8Encode } from '../util/encoding.js';

const REDACTED = '[REDACTED]';

/**
 * Key shapes as they appear inside text. Unlike the anchored validation patterns in
 * key-formats.ts these are unbounded above (a bounded quantifier would redact the first N
 * characters and leak the tail of a longer key) and need no word boundary (keys show up glued to
 * `key=`, `%20`, quotes...). Over-redacting an odd identifier is the acceptable failure mode.
 *
 * Each pattern starts with a literal or a short bounded run, so a global scan stays roughly linear
 * in the text length (no nested or unbounded-then-literal backtracking).
 */
const KEY_LIKE_SOURCES: readonly string[] = [
  // Anthropic: API keys, and admin/OAuth tokens (rejected for storage, still secrets).
  'sk-ant-[A-Za-z0-9_-]{20,}',
  // OpenRouter, any version and case.
  'sk-or-v\\d+-[A-Za-z0-9]{20,}',
  // OpenAI project / service-account / admin keys.
  'sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}',
  // OpenAI key bodies whose `sk-` prefix was cut off or masked: every current format embeds
  // `T3BlbkFJ` (base64 "OpenAI") between two runs of at most 74 characters.
  '[A-Za-z0-9_-]{0,80}T3BlbkFJ[A-Za-z0-9_-]{0,80}',
  // Google standard keys (strict length is 35 after the prefix; partial keys are still secret).
  'AIza[A-Za-z0-9_-]{20,}',
  // Google auth keys: known prefixes anywhere, and the general `XX.` shape at a word start. These
  // bodies may contain dots, so the last character must not be one: a sentence's full stop after
  // the key stays in the text.
  '(?:AQ|IQ)\\.[A-Za-z0-9_.-]{19,}[A-Za-z0-9_-]',
  '\\b[A-Z]{2}\\.[A-Za-z0-9_.-]{19,}[A-Za-z0-9_-]',
  // Google OAuth access tokens.
  'ya29\\.[A-Za-z0-9_.-]{19,}[A-Za-z0-9_-]',
  // Meta Llama `LLM|<app id>|<secret>`, also URL-encoded (`|` → `%7C`) as it appears in query strings.
  'LLM(?:\\||%7[Cc])(?:[A-Za-z0-9_-]|\\||%7[Cc]){16,}',
  // Our own gateway tokens.
  'gwt_[A-Za-z0-9_-]{20,}',
  // Anything else that looks like an `sk-` secret (covers legacy OpenAI and unknown providers).
  'sk-[A-Za-z0-9_-]{20,}',
];

/**
 * Global regexes matching provider-key-looking substrings. A fresh set per call: global regexes
 * carry `lastIndex` state, and sharing instances between callers would make `test`/`exec` flaky.
 */
export function keyLikePatterns(): RegExp[] {
  return KEY_LIKE_SOURCES.map((source) => new RegExp(source, 'g'));
}

/** The forms in which a known secret may be echoed: raw, URL-encoded, JSON-escaped. */
function encodedForms(secret: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1)];
  try {
    forms.push(encodeURIComponent(secret));
  } catch {
    // Lone surrogates cannot be URL-encoded, so that form cannot occur in text either.
  }
  return forms;
}

/** The shortest run of a known secret's characters that counts as a leak of it. */
const MIN_FRAGMENT = 8;

/**
 * The texts a secret may come back as, in the normal form of `normalize`: itself, its base64 at
 * each of the three byte alignments it can have inside a longer encoded value (only the characters
 * that depend on the secret's bytes alone), and its hex.
 */
function shapesOf(secret: string): string[] {
  const bytes = utf8Encode(secret);
  const shapes = [secret, toHex(bytes)];
  for (let pad = 0; pad < 3; pad++) {
    const padded = new Uint8Array(pad + bytes.length);
    padded.set(bytes, pad);
    const first = Math.ceil((pad * 8) / 6);
    const end = Math.floor(((pad + bytes.length) * 8) / 6);
    shapes.push(toBase64Url(padded).slice(first, end));
  }
  return shapes.map(normalize);
}

/**
 * ASCII case folded, and base64's two alphabets made one (`+` `/` → `-` `_`); one character in,
 * one out, so positions map back (keys and their encodings are ASCII: nothing else needs folding).
 */
function normalizeCode(code: number): number {
  if (code >= 0x41 && code <= 0x5a) return code + 0x20;
  if (code === 0x2b) return 0x2d;
  if (code === 0x2f) return 0x5f;
  return code;
}

function normalize(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(normalizeCode(s.charCodeAt(i)));
  return out;
}

function isSpace(code: number): boolean {
  return (
    code <= 0x20 || code === 0x85 || code === 0xa0 || code === 0x2028 || code === 0x2029 || code === 0xfeff
  );
}

/**
 * Replaces every run of MIN_FRAGMENT or more characters shared with one of the secrets' shapes,
 * looked for with whitespace removed and case ignored: a key split by a space or a line break, cut
 * to its last characters, upper-cased, base64- or hex-encoded. Only error texts and headers pass
 * here (never a relayed completion): the cost, one set lookup per character, is paid off the hot path.
 */
function redactFragments(text: string, secrets: string[]): string {
  const windows = new Set<string>();
  for (const shape of secrets.flatMap(shapesOf)) {
    for (let i = 0; i + MIN_FRAGMENT <= shape.length; i++) windows.add(shape.slice(i, i + MIN_FRAGMENT));
  }
  if (windows.size === 0) return text;
  // The text without whitespace, normalized, and where each of its characters sits in `text`.
  const at = new Uint32Array(text.length);
  const codes = new Uint16Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isSpace(code)) continue;
    at[n] = i;
    codes[n++] = normalizeCode(code);
  }
  let compact = '';
  for (let i = 0; i < n; i += 4096)
    compact += String.fromCharCode(...codes.subarray(i, Math.min(n, i + 4096)));
  const covered: [number, number][] = [];
  for (let i = 0; i + MIN_FRAGMENT <= compact.length; i++) {
    if (!windows.has(compact.slice(i, i + MIN_FRAGMENT))) continue;
    const last = covered.at(-1);
    if (last && i <= last[1]) last[1] = i + MIN_FRAGMENT;
    else covered.push([i, i + MIN_FRAGMENT]);
  }
  if (covered.length === 0) return text;
  let out = '';
  let from = 0;
  for (const [start, end] of covered) {
    out += text.slice(from, at[start]) + REDACTED;
    from = (at[end - 1] as number) + 1;
  }
  return out + text.slice(from);
}

/**
 * Replaces every occurrence of a `known` secret (e.g. the stored key that was just used, which may
 * match no pattern) — whole, encoded, or any fragment of MIN_FRAGMENT+ characters — and every
 * key-like substring with `[REDACTED]`.
 */
export function scrubSecrets(text: string, known: string[] = []): string {
  // Empty strings are skipped: replacing "" would insert the marker between every character.
  const given = known.filter((s) => s.length > 0);
  const secrets = [...new Set(given.flatMap(encodedForms))];
  // Longest first, so a secret that contains another one is removed whole.
  secrets.sort((a, b) => b.length - a.length);

  let out = text;
  for (const secret of secrets) out = out.replaceAll(secret, REDACTED);
  if (given.length > 0) out = redactFragments(out, given);
  for (const pattern of keyLikePatterns()) out = out.replace(pattern, REDACTED);
  return out;
}
