import { isRecord } from '../openai-compatible/upstream-message.js';

/** `text` parsed as a JSON object, or undefined when it is not one: upstream bytes are data, never a throw. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
