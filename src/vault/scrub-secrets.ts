/**
 * Removes credentials from free text (upstream error messages, log lines) before it leaves the
 * gateway: some providers echo the key they were sent, whole or in part. No `node:` imports, so it
 * runs on Cloudflare Workers too.
 */

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

/**
 * Replaces every exact occurrence of a `known` secret (e.g. the stored key that was just used,
 * which may match no pattern) and every key-like substring with `[REDACTED]`.
 */
export function scrubSecrets(text: string, known: string[] = []): string {
  // Empty strings are skipped: replacing "" would insert the marker between every character.
  const secrets = [...new Set(known.filter((s) => s.length > 0).flatMap(encodedForms))];
  // Longest first, so a secret that contains another one is removed whole.
  secrets.sort((a, b) => b.length - a.length);

  let out = text;
  for (const secret of secrets) out = out.replaceAll(secret, REDACTED);
  for (const pattern of keyLikePatterns()) out = out.replace(pattern, REDACTED);
  return out;
}
