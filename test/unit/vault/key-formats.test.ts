import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors.js';
import { type Provider, providerLabel } from '../../../src/providers/kit/providers.js';
import { checkKeyFormat, keyPreview } from '../../../src/vault/key-formats.js';
import { keyLikePatterns, scrubSecrets } from '../../../src/vault/scrub-secrets.js';

// Every key is built at run time: full-length key literals in the repo trip push-protection scanners.
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const URLSAFE = `${ALNUM}_-`;
const HEX = '0123456789abcdef';

/** Deterministic pseudo-random text, so leak checks can look for any slice of a key's body. */
function rnd(n: number, alphabet = ALNUM, seed = 7): string {
  let s = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out += alphabet[(s >>> 16) % alphabet.length];
  }
  return out;
}

const K = {
  openaiProject: `sk-proj-${'a'.repeat(74)}T3BlbkFJ${'b'.repeat(74)}`,
  openaiProject58: `sk-proj-${rnd(58, URLSAFE, 1)}T3BlbkFJ${rnd(58, URLSAFE, 2)}`,
  openaiSvc: `sk-svcacct-${rnd(74, URLSAFE, 3)}T3BlbkFJ${rnd(74, URLSAFE, 4)}`,
  openaiLegacy: `sk-${rnd(20, ALNUM, 5)}T3BlbkFJ${rnd(20, ALNUM, 6)}`,
  openaiAdmin: `sk-admin-${rnd(58, URLSAFE, 7)}T3BlbkFJ${rnd(58, URLSAFE, 8)}`,
  anthropic: `sk-ant-api03-${'x'.repeat(93)}AA`,
  anthropicRnd: `sk-ant-api03-${rnd(93, URLSAFE, 9)}AA`,
  anthropicAdmin: `sk-ant-admin01-${rnd(93, URLSAFE, 10)}AA`,
  anthropicOat: `sk-ant-oat01-${rnd(80, URLSAFE, 11)}`,
  anthropicOrt: `sk-ant-ort01-${rnd(80, URLSAFE, 12)}`,
  openrouter: `sk-or-v1-${'ab'.repeat(32)}`,
  openrouterRnd: `sk-or-v1-${rnd(64, HEX, 13)}`,
  google: `AIza${'Q'.repeat(35)}`,
  googleRnd: `AIza${rnd(35, URLSAFE, 14)}`,
  googleAuth: `AQ.Ab8${'z'.repeat(40)}`,
  meta: `LLM|1234567890123456|${'k'.repeat(27)}`,
  metaRnd: `LLM|${rnd(16, '0123456789', 15)}|${rnd(27, URLSAFE, 16)}`,
  ya29: `ya29.${rnd(120, URLSAFE, 17)}`,
  jwt: `eyJ${rnd(30, URLSAFE, 18)}.${rnd(60, URLSAFE, 19)}.${rnd(43, URLSAFE, 20)}`,
};

function rejection(provider: Provider, key: string): GatewayError {
  try {
    checkKeyFormat(provider, key);
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    const e = err as GatewayError;
    expect({ status: e.status, code: e.code, param: e.param }).toEqual({
      status: 400,
      code: 'invalid_api_key_format',
      param: 'apiKey',
    });
    return e;
  }
  throw new Error(`expected the ${provider} key to be rejected`);
}

describe('checkKeyFormat accepts', () => {
  it.each<[string, Provider, string, boolean]>([
    ['an OpenAI project key (164 chars)', 'openai', K.openaiProject, true],
    ['an OpenAI project key (132 chars)', 'openai', K.openaiProject58, true],
    ['an OpenAI service-account key', 'openai', K.openaiSvc, true],
    ['a legacy OpenAI user key', 'openai', K.openaiLegacy, true],
    ['an unknown but plausible sk- OpenAI key, unrecognized', 'openai', `sk-${rnd(48, URLSAFE)}`, false],
    ['an Anthropic API key', 'anthropic', K.anthropic, true],
    [
      'an Anthropic key of a future api version, unrecognized',
      'anthropic',
      `sk-ant-api04-${rnd(60, URLSAFE)}`,
      false,
    ],
    ['an OpenRouter key', 'openrouter', K.openrouter, true],
    ['an uppercase-hex OpenRouter key, unrecognized', 'openrouter', `sk-or-v1-${'AB'.repeat(32)}`, false],
    ['an OpenRouter v2 key, unrecognized', 'openrouter', `sk-or-v2-${rnd(48)}`, false],
    ['a Google standard key', 'google', K.google, true],
    ['a Google AQ. auth key, unrecognized', 'google', K.googleAuth, false],
    ['a Google IQ. auth key, unrecognized', 'google', `IQ.${rnd(50, URLSAFE)}`, false],
    ['a Meta Llama key', 'meta', K.meta, true],
    ['a Meta Llama key of another layout, unrecognized', 'meta', `LLM|${rnd(40, URLSAFE)}`, false],
  ])('%s (as %s)', (_name, provider, key, recognized) => {
    expect(checkKeyFormat(provider, key)).toEqual({ recognized });
  });
});

describe('checkKeyFormat rejects', () => {
  it.each<[string, string, RegExp]>([
    ['a leading space', ` ${K.openrouter}`, /whitespace.*at the start/],
    ['a trailing newline', `${K.openrouter}\n`, /whitespace.*at the end/],
    ['a trailing CRLF', `${K.openrouter}\r\n`, /whitespace.*at the end/],
    [
      'an inner space',
      `${K.openrouter.slice(0, 30)} ${K.openrouter.slice(30)}`,
      /whitespace.*inside the key/,
    ],
    ['an inner newline', `${K.openrouter.slice(0, 30)}\n${K.openrouter.slice(30)}`, /whitespace.*inside/],
    ['an inner tab', `${K.openrouter.slice(0, 30)}\t${K.openrouter.slice(30)}`, /whitespace/],
    ['a non-breaking space', `${K.openrouter}\u00a0`, /whitespace/],
    ['an empty string', '', /empty/],
    ['a bare prefix', 'sk-', /too short/],
    ['19 characters', `sk-or-v1-${'a'.repeat(10)}`, /too short.*20/],
    ['513 characters', `sk-or-v1-${'a'.repeat(504)}`, /too long.*512/],
    ['an accented letter', `sk-or-v1-${'ab'.repeat(31)}é1`, /printable ASCII/],
    ['a zero-width space', `sk-or-v1-${'ab'.repeat(16)}\u200b${'ab'.repeat(16)}`, /printable ASCII/],
    ['smart quotes', `\u201c${K.openrouter}\u201d`, /printable ASCII/],
    ['a NUL byte', `${K.openrouter}\u0000`, /printable ASCII/],
    ['a DEL byte', `${K.openrouter}\u007f`, /printable ASCII/],
  ])('a key with %s, saying why', (_name, key, message) => {
    expect(rejection('openrouter', key).message).toMatch(message);
  });

  it.each([
    'sk-...',
    'sk-…',
    `sk-or-v1-abc...890${'0'.repeat(20)}`,
    `sk-proj-****${'a'.repeat(20)}`,
    'YOUR_API_KEY',
    'your-openrouter-api-key-here',
    '<key>',
    '<YOUR_OPENROUTER_KEY_GOES_HERE>',
    '{{OPENROUTER_API_KEY_VALUE}}',
    `\${OPENROUTER_API_KEY_VALUE}`,
    '[REDACTED][REDACTED]',
    'a'.repeat(40),
    '0'.repeat(73),
  ])('the placeholder %j', (key) => {
    expect(rejection('openrouter', key).message).toMatch(/placeholder/);
  });

  it('keys of exactly 20 and 512 characters pass the length check and fail only on format', () => {
    for (const key of [`sk-or-v1-${'a'.repeat(11)}`, `sk-or-v1-${'a'.repeat(503)}`]) {
      expect(rejection('openrouter', key).message).toMatch(/does not look like an OpenRouter key/);
    }
  });

  it.each<[Provider, string, Provider]>([
    ['openai', K.anthropic, 'anthropic'],
    ['openai', K.openrouter, 'openrouter'],
    ['openai', K.google, 'google'],
    ['openai', K.googleAuth, 'google'],
    ['openai', K.meta, 'meta'],
    ['anthropic', K.google, 'google'],
    ['anthropic', K.openaiProject, 'openai'],
    ['anthropic', K.openrouter, 'openrouter'],
    ['openrouter', K.openaiProject, 'openai'],
    ['openrouter', K.openaiSvc, 'openai'],
    ['openrouter', K.openaiLegacy, 'openai'],
    ['openrouter', K.anthropic, 'anthropic'],
    ['google', K.meta, 'meta'],
    ['google', K.openaiProject, 'openai'],
    ['google', K.anthropic, 'anthropic'],
    ['meta', K.openrouter, 'openrouter'],
    ['meta', K.googleAuth, 'google'],
  ])('a key submitted as %s that belongs to %s, naming the right provider', (asProvider, key, owner) => {
    const label = providerLabel(owner);
    const article = /^[AEIOU]/.test(label) ? 'an' : 'a';
    expect(rejection(asProvider, key).message).toContain(
      `this looks like ${article} ${label} key; store it with provider "${owner}"`,
    );
  });

  it.each<[string, Provider, string, RegExp]>([
    ['an OpenAI admin key', 'openai', K.openaiAdmin, /OpenAI admin key.*cannot call models/],
    ['an Anthropic admin key', 'anthropic', K.anthropicAdmin, /Anthropic Admin API key.*cannot call models/],
    ['an Anthropic OAuth access token', 'anthropic', K.anthropicOat, /OAuth token.*not an API key/],
    ['an Anthropic OAuth refresh token', 'anthropic', K.anthropicOrt, /OAuth token.*not an API key/],
    ['an Anthropic admin key under openai', 'openai', K.anthropicAdmin, /Anthropic Admin API key/],
    ['a Google OAuth access token', 'google', K.ya29, /Google OAuth access token, not an API key/],
    ['a JWT', 'google', K.jwt, /JSON Web Token.*not a provider API key/],
  ])('%s (as %s), saying why it cannot be used', (_name, provider, key, message) => {
    expect(rejection(provider, key).message).toMatch(message);
  });

  it.each<[string, Provider, string, string]>([
    ['a Google key one character short', 'google', `AIza${'Q'.repeat(34)}`, 'a Google Gemini'],
    ['a Google key one character long', 'google', `AIza${'Q'.repeat(36)}`, 'a Google Gemini'],
    ['a short OpenRouter body', 'openrouter', `sk-or-v1-${rnd(20, HEX)}`, 'an OpenRouter'],
    [
      'an OpenRouter key with a non-hex character',
      'openrouter',
      `sk-or-v1-${rnd(63, HEX)}_`,
      'an OpenRouter',
    ],
    ['a non-sk key', 'openai', `pk-${rnd(40)}`, 'an OpenAI'],
    ['a generic sk- key', 'anthropic', `sk-${rnd(48)}`, 'an Anthropic'],
    ['an Anthropic key with a short body', 'anthropic', `sk-ant-api03-${rnd(20)}`, 'an Anthropic'],
    ['a dash-separated Meta key', 'meta', `LLM-${rnd(40)}`, 'a Meta Llama'],
  ])('%s (as %s), saying it does not look like that provider key', (_name, provider, key, label) => {
    expect(rejection(provider, key).message).toContain(`does not look like ${label} key`);
  });
});

describe('rejection messages', () => {
  const leaky: [Provider, string][] = [
    ['openrouter', ` ${K.openrouterRnd}`],
    ['openrouter', `${K.openrouterRnd}\n`],
    ['openrouter', `${K.openrouterRnd}é`],
    ['openrouter', `${K.openrouterRnd}${rnd(500)}`],
    ['openai', K.anthropicRnd],
    ['openai', K.openrouterRnd],
    ['anthropic', K.googleRnd],
    ['openrouter', K.openaiProject58],
    ['google', K.metaRnd],
    ['openai', K.openaiAdmin],
    ['anthropic', K.anthropicAdmin],
    ['anthropic', K.anthropicOat],
    ['google', K.ya29],
    ['google', K.jwt],
    ['google', `AIza${rnd(34, URLSAFE, 21)}`],
    ['anthropic', `sk-ant-api03-${rnd(30, URLSAFE, 22)}`],
    ['meta', `LLM-${rnd(40, URLSAFE, 23)}`],
  ];

  it.each(leaky)('never contain the key or any slice of its secret part (%s)', (provider, key) => {
    const message = rejection(provider, key).message;
    expect(message).not.toContain(key.trim());
    // The first 12 characters are the public format prefix; everything after is secret.
    for (let i = 12; i + 6 <= key.length; i++) expect(message).not.toContain(key.slice(i, i + 6));
  });
});

describe('keyPreview', () => {
  it.each([
    [K.openrouter, 'sk-o…abab'],
    [K.anthropic, 'sk-a…xxAA'],
    [K.google, 'AIza…QQQQ'],
    [K.meta, 'LLM|…kkkk'],
    [K.openaiProject, 'sk-p…bbbb'],
  ])('shows only the first and last four characters', (key, preview) => {
    expect(keyPreview(key)).toBe(preview);
  });

  it('never shows the middle of the key', () => {
    const preview = keyPreview(K.anthropicRnd);
    expect(preview).toHaveLength(9);
    expect(preview).not.toContain(K.anthropicRnd.slice(4, -4).slice(0, 5));
  });

  it('shows nothing for a value too short to keep its middle hidden', () => {
    expect(keyPreview('short-key')).toBe('…');
  });
});

describe('scrubSecrets', () => {
  it.each([
    ['an OpenAI project key', K.openaiProject58],
    ['an OpenAI service-account key', K.openaiSvc],
    ['a legacy OpenAI key', K.openaiLegacy],
    ['an OpenAI key body without its prefix', K.openaiSvc.slice(11)],
    ['an Anthropic key', K.anthropicRnd],
    ['an Anthropic admin key', K.anthropicAdmin],
    ['an OpenRouter key', K.openrouterRnd],
    ['a Google standard key', K.googleRnd],
    ['a Google auth key', K.googleAuth],
    ['a Meta Llama key', K.metaRnd],
    ['a URL-encoded Meta Llama key', encodeURIComponent(K.metaRnd)],
    ['a Google OAuth token', K.ya29],
    ['a gateway token', `gwt_${rnd(32, URLSAFE, 24)}`],
    ['a generic sk- secret', `sk-${rnd(40, URLSAFE, 25)}`],
  ])('redacts %s embedded in text', (_name, secret) => {
    const text = `Incorrect API key provided: ${secret}. See https://x.test/?key=${secret}&a=1 or "${secret}"`;
    const out = scrubSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toBe(
      'Incorrect API key provided: [REDACTED]. See https://x.test/?key=[REDACTED]&a=1 or "[REDACTED]"',
    );
  });

  it('redacts a known secret that matches no key pattern, including its URL-encoded form', () => {
    const secret = `hunter2|${rnd(24, ALNUM, 26)}`;
    const text = `bad credential ${secret} (${encodeURIComponent(secret)})`;
    expect(scrubSecrets(text)).toBe(text);
    expect(scrubSecrets(text, [secret])).toBe('bad credential [REDACTED] ([REDACTED])');
  });

  it('ignores empty known secrets and leaves ordinary text alone', () => {
    const text = 'The model `gpt-4o` does not exist (task-1234, req_abc). Retry in 20s.';
    expect(scrubSecrets(text, [''])).toBe(text);
  });

  it('redacts every occurrence of several different keys', () => {
    const text = `${K.openrouterRnd} then ${K.anthropicRnd} then ${K.openrouterRnd}`;
    expect(scrubSecrets(text, [K.anthropicRnd])).toBe('[REDACTED] then [REDACTED] then [REDACTED]');
  });

  it('returns fresh global patterns on each call so no lastIndex state leaks between callers', () => {
    const first = keyLikePatterns();
    const second = keyLikePatterns();
    expect(first.every((p) => p.global)).toBe(true);
    first[0]?.exec(`x ${K.anthropicRnd}`);
    expect(second[0]?.lastIndex).toBe(0);
    expect(first[0]).not.toBe(second[0]);
  });
});
