import { GatewayError } from '../../../../src/errors.js';
import type { CallContext } from '../../../../src/providers/types.js';

export {
  dataOf,
  fixtureBytes,
  fixtureText,
  pieces,
  recordingHooks,
  runTransform,
  utf8,
} from '../openai-compatible/helpers.js';

/** An Anthropic-shaped key, built at run time so no key literal sits in a file. */
export const anthropicKey = `sk-ant-api03-${'Xy7_'.repeat(23)}Q1AA`;

export function anthropicCall(overrides: Partial<CallContext> = {}): CallContext {
  return {
    provider: 'anthropic',
    upstreamModel: 'claude-sonnet-4-5',
    apiKey: anthropicKey,
    keyLabel: '"work" (sk-a…Q1AA)',
    keySource: 'user',
    baseUrl: 'https://api.anthropic.com/v1',
    stream: false,
    includeUsage: false,
    attribution: { referer: 'https://example.test/app', title: 'byok-gateway test' },
    ...overrides,
  };
}

/** The GatewayError `fn` throws; fails the test on any other outcome. */
export function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

/** Every Anthropic stop reason (and two it may yet send) with the finish reason it must become. */
export const FINISH_REASONS: readonly (readonly [stopReason: string | null, finishReason: string])[] = [
  ['end_turn', 'stop'],
  ['stop_sequence', 'stop'],
  ['pause_turn', 'stop'],
  ['max_tokens', 'length'],
  ['model_context_window_exceeded', 'length'],
  ['tool_use', 'tool_calls'],
  ['refusal', 'content_filter'],
  [null, 'stop'],
  ['a_reason_from_the_future', 'stop'],
];
