import { describe, expect, it } from 'vitest';
import type { UpstreamCode } from '../../../../src/errors.js';
import { errorEvent } from '../../../../src/providers/kit/sse-error-event.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('errorEvent', () => {
  it('encodes one OpenAI-shaped error as a final data event', () => {
    expect(
      text(
        errorEvent({ message: 'Boom "quoted"\nline', type: 'upstream_error', code: '502' as UpstreamCode }),
      ),
    ).toBe(
      'data: {"error":{"message":"Boom \\"quoted\\"\\nline","type":"upstream_error","code":"502","param":null}}\n\n',
    );
  });

  it('scrubs key-like strings from the message as a last gate', () => {
    const key = `sk-or-v1-${'ab'.repeat(32)}`;
    const out = text(
      errorEvent({ message: `bad key ${key}`, type: 'upstream_error', code: 'upstream_error' }),
    );
    expect(out).not.toContain(key);
    expect(out).toContain('bad key [REDACTED]');
  });
});
