/**
 * Shape checks for the provider API keys users store (BYOK). Pure string work with no `node:`
 * imports, so the same module runs on Node and on Cloudflare Workers.
 *
 * Policy (README "BYOK keys"): reject garbage and wrong-provider keys
 * with a 400 naming `apiKey`, but never reject a plausible new format just because our strict
 * regex is old, and never echo the submitted value back in any message.
 */
import { badRequest } from '../errors.js';
import { type Provider, providerLabel } from '../providers/kit/providers.js';

const ERROR_CODE = 'invalid_api_key_format';
const PARAM = 'apiKey';
const MIN_KEY_LENGTH = 20;
const MAX_KEY_LENGTH = 512;

interface KeyFormat {
  /** Every documented current format: a match is `recognized`. */
  strict: RegExp;
  /**
   * Loose enough to let format drift through (new versions, other lengths). A match that fails
   * `strict` is accepted with `recognized: false` so callers can log it and we notice new shapes.
   */
  plausible: RegExp;
  /** Human description of the expected shape; describes the format, never the submitted value. */
  shape: string;
}

const FORMATS: Record<Provider, KeyFormat> = {
  openai: {
    strict:
      /^sk-(?:(?:proj|svcacct)-[A-Za-z0-9_-]{58,74}T3BlbkFJ[A-Za-z0-9_-]{58,74}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})$/,
    plausible: /^sk-[A-Za-z0-9_-]{20,300}$/,
    shape:
      'OpenAI keys start with "sk-proj-" (or "sk-svcacct-" / "sk-") followed by letters, digits, "_" and "-"',
  },
  anthropic: {
    strict: /^sk-ant-api\d{2}-[A-Za-z0-9_-]{93}AA$/,
    plausible: /^sk-ant-api\d{2}-[A-Za-z0-9_-]{40,300}$/,
    shape: 'Anthropic API keys start with "sk-ant-api03-" followed by about 95 letters, digits, "_" and "-"',
  },
  openrouter: {
    strict: /^sk-or-v1-[a-f0-9]{64}$/,
    plausible: /^sk-or-v\d+-[A-Za-z0-9]{32,128}$/,
    shape: 'OpenRouter keys start with "sk-or-v1-" followed by 64 hexadecimal characters',
  },
  google: {
    strict: /^AIza[A-Za-z0-9_-]{35}$/,
    // Auth keys ("AQ.…", reportedly also "IQ.…") have no published format: keep this loose.
    plausible: /^[A-Z]{2}\.[A-Za-z0-9_.-]{20,300}$/,
    shape: 'Gemini API keys are either "AIza" followed by 35 characters, or an auth key starting with "AQ."',
  },
  meta: {
    strict: /^LLM\|\d{6,20}\|[A-Za-z0-9_-]{16,64}$/,
    // Only observed in public code, never documented: accept anything under the "LLM|" prefix.
    plausible: /^LLM\|[A-Za-z0-9|_-]{16,300}$/,
    shape: 'Meta Llama API keys start with "LLM|"',
  },
};

/**
 * Prefixes that only one provider uses. Checked for every provider except the owner, so a key
 * pasted under the wrong provider gets a hint instead of a confusing format error. Needed because
 * OpenAI's `plausible` pattern (`sk-…`) would otherwise happily accept Anthropic and OpenRouter keys.
 */
const DISTINCTIVE: readonly { pattern: RegExp; owner: Provider }[] = [
  { pattern: /^sk-ant-/, owner: 'anthropic' },
  { pattern: /^sk-or-/, owner: 'openrouter' },
  { pattern: /^AIza/, owner: 'google' },
  { pattern: /^[AI]Q\./, owner: 'google' },
  { pattern: /^LLM\|/, owner: 'meta' },
  { pattern: /^sk-(?:proj|svcacct)-/, owner: 'openai' },
  // `T3BlbkFJ` (base64 "OpenAI") is embedded in every current OpenAI format, legacy `sk-` keys too.
  { pattern: /^sk-(?!ant-|or-)[A-Za-z0-9_-]*T3BlbkFJ/, owner: 'openai' },
];

/**
 * Real credentials that cannot make inference calls with the header we send. Storing them would
 * only fail later (or, for admin keys, hand us far more power than we need), so say why now.
 */
const NON_INFERENCE: readonly { pattern: RegExp; reason: string }[] = [
  {
    pattern: /^sk-admin-/,
    reason:
      'This is an OpenAI admin key: admin keys manage an organization and cannot call models. Create a project API key and store that instead.',
  },
  {
    pattern: /^sk-ant-admin\d{2}-/,
    reason:
      'This is an Anthropic Admin API key: admin keys manage an organization and cannot call models. Create a regular API key in the Anthropic Console and store that instead.',
  },
  {
    pattern: /^sk-ant-o[ar]t\d{2}-/,
    reason:
      'This is an Anthropic OAuth token from a Claude subscription, not an API key: it uses a different authentication scheme and cannot be used here. Create an API key in the Anthropic Console instead.',
  },
  {
    pattern: /^ya29\./,
    reason:
      'This is a Google OAuth access token, not an API key: it expires within about an hour. Create a Gemini API key in Google AI Studio instead.',
  },
  {
    pattern: /^eyJ/,
    reason:
      'This is a JSON Web Token (a session or OAuth token), not a provider API key. Create an API key in the provider console instead.',
  },
];

/**
 * Values people paste while setting things up: template text, masked keys copied from a dashboard
 * (`sk-or-v1-abc...890`, `sk-pr****`), our own redaction marker, or one key held down.
 */
const PLACEHOLDERS: readonly RegExp[] = [
  /\.\.\.|…/,
  /\*{3,}/,
  /^<.*>$/,
  /^\{\{.*\}\}$/,
  /^\$\{.*\}$/,
  /\[REDACTED\]/i,
  // Separators required so a random key body cannot match by chance.
  /your[_-]?api[_-]?key/i,
  /your[_-][a-z]+[_-](?:api[_-])?key/i,
  /^(?:api[_-]?key|key|secret|token|changeme|placeholder|redacted|none|null|undefined)$/i,
  /^(.)\1*$/s,
];

const reject = (message: string) => badRequest(ERROR_CODE, message, PARAM);

const withArticle = (label: string) => `${/^[AEIOU]/.test(label) ? 'an' : 'a'} ${label}`;

/** Where the whitespace is, so the user knows what to fix without us quoting the key. */
function whitespacePlace(apiKey: string): string {
  const places: string[] = [];
  if (/^\s/.test(apiKey)) places.push('at the start');
  if (/\s$/.test(apiKey)) places.push('at the end');
  if (/\S\s+\S/.test(apiKey)) places.push('inside the key');
  return places.join(' and ');
}

/** Step 1: checks that do not depend on the provider. */
function checkGeneric(apiKey: string): void {
  if (typeof apiKey !== 'string' || apiKey.length === 0) {
    throw reject('The API key is empty.');
  }
  // Length first so the pattern checks below never run over a huge value.
  if (apiKey.length > MAX_KEY_LENGTH) {
    throw reject(`The API key is too long: provider keys are at most ${MAX_KEY_LENGTH} characters.`);
  }
  // Rejected rather than trimmed: a pasted space or line break is a user error worth reporting,
  // and silently editing a secret makes "the key I stored is not the key I pasted" bugs.
  if (/\s/.test(apiKey)) {
    throw reject(
      `The API key contains whitespace (a space, tab or line break) ${whitespacePlace(apiKey)}; keys are not trimmed automatically. Remove it and try again.`,
    );
  }
  if (PLACEHOLDERS.some((p) => p.test(apiKey))) {
    throw reject('The API key looks like a placeholder or a masked key, not a real key. Paste the full key.');
  }
  if (!/^[\x21-\x7E]+$/.test(apiKey)) {
    throw reject(
      'The API key contains characters that are not printable ASCII (for example smart quotes or invisible characters picked up while copying).',
    );
  }
  if (apiKey.length < MIN_KEY_LENGTH) {
    throw reject(`The API key is too short: provider keys are at least ${MIN_KEY_LENGTH} characters.`);
  }
}

/**
 * Validates the shape of `apiKey` for `provider` (no network). Throws a 400 GatewayError with code
 * `invalid_api_key_format` and param `apiKey` when the key is unacceptable. Returns
 * `recognized: false` when only the loose pattern matched: accepted, but worth logging.
 */
export function checkKeyFormat(provider: Provider, apiKey: string): { recognized: boolean } {
  checkGeneric(apiKey);

  const nonInference = NON_INFERENCE.find((k) => k.pattern.test(apiKey));
  if (nonInference) throw reject(nonInference.reason);

  const label = providerLabel(provider);
  const foreign = DISTINCTIVE.find((d) => d.owner !== provider && d.pattern.test(apiKey));
  if (foreign) {
    throw reject(
      `The API key does not match provider "${provider}": this looks like ${withArticle(providerLabel(foreign.owner))} key; store it with provider "${foreign.owner}".`,
    );
  }

  const format = FORMATS[provider];
  if (format.strict.test(apiKey)) return { recognized: true };
  if (format.plausible.test(apiKey)) return { recognized: false };
  throw reject(`The API key does not look like ${withArticle(label)} key. ${format.shape}.`);
}

/** Characters kept at each end of a preview. Previews are shown in listings and error messages. */
const PREVIEW_EDGE = 4;

/** `sk-o…9f3a`: first 4 + U+2026 + last 4 characters, the only form a key is ever shown in. */
export function keyPreview(apiKey: string): string {
  // Defensive: validated keys are ≥ 20 characters, but for a short value first+last 4 would
  // reveal most or all of it, so show nothing instead.
  if (apiKey.length < PREVIEW_EDGE * 3) return '…';
  return `${apiKey.slice(0, PREVIEW_EDGE)}…${apiKey.slice(-PREVIEW_EDGE)}`;
}

/** The shape of a provider's keys, in words: the console shows it under the key field. */
export function keyFormatHint(provider: Provider): string {
  return `${FORMATS[provider].shape}.`;
}
