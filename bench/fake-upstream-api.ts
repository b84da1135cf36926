/**
 * The fake upstream's answer for `POST …/embeddings` (OpenAI's embeddings API), built once as
 * bytes: 8 inputs of 256 dimensions each, base64 as the openai SDK asks by default (issue 16's
 * embeddings scenario, bench/scenarios-api.ts).
 */
import type { ServerResponse } from 'node:http';

const DIMENSIONS = 256;
const INPUTS = 8;

function vector(seed: number): string {
  const floats = new Float32Array(DIMENSIONS);
  for (let i = 0; i < DIMENSIONS; i++) floats[i] = Math.sin(seed * 31 + i) / 2;
  return Buffer.from(floats.buffer).toString('base64');
}

const EMBEDDINGS = Buffer.from(
  JSON.stringify({
    object: 'list',
    data: Array.from({ length: INPUTS }, (_, index) => ({
      object: 'embedding',
      index,
      embedding: vector(index),
    })),
    model: 'text-embedding-3-small',
    usage: { prompt_tokens: 64, total_tokens: 64 },
  }),
);
const HEADERS = { 'content-type': 'application/json', 'content-length': EMBEDDINGS.length };

/** Answers `…/embeddings`; false for any other path (the fake upstream answers those itself). */
export function answerApi(path: string, res: ServerResponse): boolean {
  if (!path.endsWith('/embeddings')) return false;
  res.writeHead(200, HEADERS);
  res.end(EMBEDDINGS);
  return true;
}

/** The bench's embeddings request body: 8 short inputs, base64 (the openai SDK's default). */
export const EMBEDDINGS_BODY = JSON.stringify({
  model: 'openai/text-embedding-3-small',
  input: Array.from({ length: INPUTS }, (_, i) => `document number ${i} about the bench`),
  encoding_format: 'base64',
});
