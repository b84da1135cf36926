import { readFileSync } from 'node:fs';
import { startFakeAnthropic } from '../../../fakes/anthropic-server.js';
import { startFakeGemini } from '../../../fakes/gemini-server.js';
import { type ChatHarness, createChatHarness } from '../../helpers/chat-harness.js';
import type { DatabaseKind } from '../../helpers/databases.js';

/** A chat harness that also reaches fake Anthropic and Gemini servers; `close` stops them all. */
export async function nativeHarness(kind: DatabaseKind): Promise<{ h: ChatHarness; close(): Promise<void> }> {
  const [anthropic, gemini] = await Promise.all([startFakeAnthropic(), startFakeGemini()]);
  const h = await createChatHarness(kind, {
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    GOOGLE_BASE_URL: gemini.baseUrl,
  });
  return {
    h,
    async close() {
      await h.close();
      await Promise.all([anthropic.close(), gemini.close()]);
    },
  };
}

/** The database files' bytes as text (SQLite; none on PostgreSQL), for leak checks. */
export function databaseFiles(h: ChatHarness): string[] {
  return h.t.database.files.map((f) => {
    try {
      return readFileSync(f).toString('latin1');
    } catch {
      return '';
    }
  });
}
