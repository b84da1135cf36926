/** Provider-shaped keys made at run time, random so every test has its own canaries. */
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomFrom(alphabet: string, n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export type KeyProvider = 'openrouter' | 'openai' | 'anthropic' | 'meta' | 'google';

export function fakeKey(provider: KeyProvider): string {
  switch (provider) {
    case 'openai':
      return `sk-proj-${randomFrom(ALNUM, 74)}T3BlbkFJ${randomFrom(ALNUM, 74)}`;
    case 'anthropic':
      return `sk-ant-api03-${randomFrom(ALNUM, 93)}AA`;
    case 'openrouter':
      return `sk-or-v1-${randomFrom('0123456789abcdef', 64)}`;
    case 'google':
      return `AIza${randomFrom(ALNUM, 35)}`;
    case 'meta':
      return `LLM|${randomFrom('0123456789', 16)}|${randomFrom(ALNUM, 27)}`;
  }
}
