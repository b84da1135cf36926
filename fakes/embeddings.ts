/**
 * Embeddings in two wire formats, for the fakes: OpenAI's `POST /embeddings` (OpenAI, OpenRouter)
 * and Gemini's `POST /models/{model}:batchEmbedContents`. Vectors are deterministic functions of
 * the text, so a test can check that each input came back at its index. An input starting with
 * `!scenario error <status>` answers that provider's error instead. Each returns the answer; the
 * fake's server sends it.
 */

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

import { echoKeyAnswer as geminiEchoKey, errorAnswer as geminiError, googleError } from './gemini-wire.js';
import { echoKeyAnswer, errorAnswer, type Flavour, usageBody } from './openai-flavours.js';
import { estimateTokens, isRecord, parseDirective } from './scenario.js';

export const DEFAULT_DIMENSIONS = 8;

/** The fake's embedding of `text`: `dims` numbers in [-1, 1), the same for the same text. */
export function fakeVector(text: string, dims = DEFAULT_DIMENSIONS): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return Array.from({ length: dims }, (_, i) => {
    const x = Math.imul(h + i * 374761393, 668265263) >>> 0;
    return Math.fround((x % 2000) / 1000 - 1);
  });
}

function texts(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input)) return input.map((i) => (typeof i === 'string' ? i : JSON.stringify(i)));
  return [];
}

function base64(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString('base64');
}

/** The error an input asks for: a status, 'echo' (a 400 echoing the key), or null. */
function erroring(list: string[]): number | 'echo' | null {
  for (const t of list) {
    const d = parseDirective(t);
    if (d?.kind === 'error') return d.status;
    if (d?.kind === 'error-echo-key') return 'echo';
  }
  return null;
}

/** OpenAI's embeddings answer (OpenRouter's adds its cost to `usage`). */
export function answerOpenAIEmbeddings(
  flavour: Flavour,
  key: string | null,
  body: Record<string, unknown>,
): Answer {
  const model = String(body.model ?? '');
  const list = texts(body.input);
  if (typeof body.model !== 'string' || list.length === 0) return errorAnswer(flavour, 400, { key, model });
  const status = erroring(list);
  if (status === 'echo') return echoKeyAnswer(flavour, key);
  if (status !== null) return errorAnswer(flavour, status, { key, model });
  const dims = typeof body.dimensions === 'number' ? body.dimensions : DEFAULT_DIMENSIONS;
  const b64 = body.encoding_format === 'base64';
  const prompt = list.reduce((n, t) => n + estimateTokens(t), 0);
  const usage = usageBody(flavour, prompt, 0);
  delete usage.completion_tokens;
  delete usage.completion_tokens_details;
  delete usage.prompt_tokens_details;
  return {
    status: 200,
    body: {
      object: 'list',
      data: list.map((t, index) => {
        const v = fakeVector(t, dims);
        return { object: 'embedding', index, embedding: b64 ? base64(v) : v };
      }),
      model,
      usage,
    },
  };
}

/** Gemini's `batchEmbedContents` answer: `{embeddings: [{values}]}`, in request order. */
export function answerGeminiEmbeddings(
  model: string,
  key: string | null,
  body: Record<string, unknown>,
): Answer {
  const requests = Array.isArray(body.requests) ? body.requests : [];
  const invalid = (message: string) => ({ status: 400, body: googleError(400, message) });
  if (requests.length === 0) return invalid('* BatchEmbedContentsRequest.requests: requests is required\n');
  const list: string[] = [];
  let dims = DEFAULT_DIMENSIONS;
  for (const [i, r] of requests.entries()) {
    const parts =
      isRecord(r) && isRecord(r.content) && Array.isArray(r.content.parts) ? r.content.parts : null;
    if (!isRecord(r) || r.model !== `models/${model}` || !parts)
      return invalid(`* BatchEmbedContentsRequest.requests[${i}].model: must be models/${model}\n`);
    if (typeof r.outputDimensionality === 'number') dims = r.outputDimensionality;
    list.push(parts.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join(''));
  }
  const status = erroring(list);
  if (status === 'echo') return geminiEchoKey(key);
  if (status !== null) return geminiError(status, model);
  return { status: 200, body: { embeddings: list.map((t) => ({ values: fakeVector(t, dims) })) } };
}
