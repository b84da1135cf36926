import type { ChatRequest } from '../providers/types.js';

/**
 * Token estimates for calls whose upstream reported no usage (a stream the client abandoned, an
 * upstream cut mid-stream, a provider that sends none). About four characters make a token in
 * English text; these are estimates and the usage row says so.
 */
const CHARS_PER_TOKEN = 4;

/** Characters of what the model reads: the messages and the tool definitions, as JSON. */
export function requestChars(chat: ChatRequest): number {
  let n = JSON.stringify(chat.messages).length;
  if (chat.tools) n += JSON.stringify(chat.tools).length;
  return n;
}

export const estimatePromptTokens = (chat: ChatRequest) => Math.ceil(requestChars(chat) / CHARS_PER_TOKEN);

/** String values the client was sent as generated text: content, reasoning, tool-call arguments. */
const GENERATED = /"(?:content|reasoning|reasoning_content|arguments)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/**
 * Counts the generated text in the OpenAI SSE events relayed to the client (whatever the
 * provider, the relay's output is OpenAI's chunk format), for a completion-token estimate.
 */
export function createRelayedTextCounter(): { add(bytes: Uint8Array): void; tokens(): number } {
  let decoder: TextDecoder | undefined; // made on first use: most calls report usage and never need it
  let chars = 0;
  return {
    add(bytes) {
      decoder ??= new TextDecoder();
      const text = decoder.decode(bytes, { stream: true });
      for (const m of text.matchAll(GENERATED)) chars += m[1]?.length ?? 0;
    },
    tokens: () => Math.ceil(chars / CHARS_PER_TOKEN),
  };
}
