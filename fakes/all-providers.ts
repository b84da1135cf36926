import { type FakeAnthropic, startFakeAnthropic } from './anthropic-server.js';
import { type FakeGemini, startFakeGemini } from './gemini-server.js';
import { type FakeProvider, startFakeOpenAICompatible } from './openai-compatible-server.js';

/** A fake for every provider at once, as `npm run demo`, the console's browser tests and its screenshots run them. */
export interface AllFakes {
  openai: FakeProvider;
  openrouter: FakeProvider;
  meta: FakeProvider;
  anthropic: FakeAnthropic;
  google: FakeGemini;
  /** The gateway variables pointing each provider at its fake. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startAllFakes(): Promise<AllFakes> {
  const [openai, openrouter, meta, anthropic, google] = await Promise.all([
    startFakeOpenAICompatible({ flavour: 'openai' }),
    startFakeOpenAICompatible({ flavour: 'openrouter' }),
    startFakeOpenAICompatible({ flavour: 'meta' }),
    startFakeAnthropic(),
    startFakeGemini(),
  ]);
  return {
    openai,
    openrouter,
    meta,
    anthropic,
    google,
    env: {
      OPENAI_BASE_URL: openai.baseUrl,
      OPENROUTER_BASE_URL: openrouter.baseUrl,
      META_BASE_URL: meta.baseUrl,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      GOOGLE_BASE_URL: google.baseUrl,
    },
    close: async () => {
      await Promise.all([openai, openrouter, meta, anthropic, google].map((f) => f.close()));
    },
  };
}
