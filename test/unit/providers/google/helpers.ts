import { GatewayError } from '../../../../src/errors.js';
import type { CallContext } from '../../../../src/providers/types.js';
import { fixtureText } from '../openai-compatible/helpers.js';

export {
  dataOf,
  fixtureBytes,
  fixtureText,
  pieces,
  recordingHooks,
  runTransform,
  utf8,
} from '../openai-compatible/helpers.js';

/** A Google-shaped key built at run time (no key literal in any file). */
export const GOOGLE_KEY = `AIza${'Sy0_'.repeat(8)}Qz9`;

export function googleCall(overrides: Partial<CallContext> = {}): CallContext {
  return {
    provider: 'google',
    upstreamModel: 'gemini-2.5-flash',
    apiKey: GOOGLE_KEY,
    keyLabel: '"work" (AIza…zQz9)',
    keySource: 'user',
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
    stream: true,
    includeUsage: true,
    attribution: { referer: 'https://example.test/app', title: 'byok-gateway test' },
    ...overrides,
  };
}

export function fixtureJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(fixtureText(`google/${path}`)) as T;
}

/** The parsed `data:` payloads of an OpenAI SSE text (`[DONE]` kept as the string). */
export function events(sse: string): unknown[] {
  return sse
    .split('\n\n')
    .filter((e) => e !== '')
    .map((e) => {
      if (!e.startsWith('data: ')) throw new Error(`not a data event: ${e}`);
      const data = e.slice('data: '.length);
      return data === '[DONE]' ? data : JSON.parse(data);
    });
}

/** The GatewayError `fn` throws; fails the test when it returns or throws anything else. */
export function thrownGatewayError(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

/** Every Gemini finishReason that ends an answer normally, with the OpenAI finish_reason it becomes. */
export const FINISH_CASES: readonly (readonly [string, string])[] = [
  ['STOP', 'stop'],
  ['FINISH_REASON_UNSPECIFIED', 'stop'],
  ['OTHER', 'stop'],
  ['NO_IMAGE', 'stop'],
  ['IMAGE_OTHER', 'stop'],
  ['A_REASON_FROM_THE_FUTURE', 'stop'],
  ['MAX_TOKENS', 'length'],
  ['SAFETY', 'content_filter'],
  ['RECITATION', 'content_filter'],
  ['LANGUAGE', 'content_filter'],
  ['BLOCKLIST', 'content_filter'],
  ['PROHIBITED_CONTENT', 'content_filter'],
  ['SPII', 'content_filter'],
  ['IMAGE_SAFETY', 'content_filter'],
  ['IMAGE_PROHIBITED_CONTENT', 'content_filter'],
  ['IMAGE_RECITATION', 'content_filter'],
];
