import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLevel } from '../../src/config.js';
import { createChatHarness, userMessage } from '../helpers/chat-harness.js';

/**
 * The per-request lines (the access line `request`, the chat line `chat finished`) are info lines:
 * at LOG_LEVEL=warn, as in production benches, neither is built nor written; at info both are,
 * with metadata only — never the key.
 */
async function oneCallOfEach(level: LogLevel) {
  const h = await createChatHarness('sqlite', {}, { logLevel: level });
  const token = await h.t.jwt(`log-${level}`);
  const { apiKey } = await h.storeKey(token, 'openai', 'main');
  for (const stream of [false, true]) {
    const res = await h.chat(token, { model: 'openai/gpt-4o-mini', stream, messages: userMessage('hi') });
    expect(res.status).toBe(200);
    await res.text();
  }
  await h.t.drain();
  return { h, apiKey, lines: h.t.logs.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('per-request log lines follow LOG_LEVEL', () => {
  let info: Awaited<ReturnType<typeof oneCallOfEach>>;
  let warn: Awaited<ReturnType<typeof oneCallOfEach>>;
  beforeAll(async () => {
    info = await oneCallOfEach('info');
    warn = await oneCallOfEach('warn');
  });
  afterAll(async () => {
    await info.h.close();
    await warn.h.close();
  });

  it('writes an access line per request and a chat line per call at info, without the key', () => {
    const chat = info.lines.filter((l) => l.msg === 'chat finished');
    expect(chat.map((l) => l.stream)).toEqual([false, true]);
    expect(chat[0]).toMatchObject({ level: 'info', provider: 'openai', keySource: 'user', outcome: 'done' });
    const access = info.lines.filter((l) => l.msg === 'request' && l.path === '/v1/chat/completions');
    expect(access).toHaveLength(2);
    expect(access[0]).toMatchObject({ method: 'POST', status: 200 });
    expect(info.h.t.logs.join('\n')).not.toContain(info.apiKey);
  });

  it('writes neither at warn', () => {
    expect(warn.lines.filter((l) => l.msg === 'request' || l.msg === 'chat finished')).toEqual([]);
    expect(warn.lines.every((l) => l.level === 'warn' || l.level === 'error')).toBe(true);
  });
});
