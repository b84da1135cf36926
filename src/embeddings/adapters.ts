/**
 * The upstream calls for `POST /v1/embeddings`: OpenAI and OpenRouter speak OpenAI's embeddings API
 * (the body passes through, model id replaced, the answer returned as received); Gemini's
 * `batchEmbedContents` (https://ai.google.dev/api/embeddings) is translated both ways, with the
 * key in the `x-goog-api-key` header.
 */
import { endpointAdapter } from '../chat/endpoint-adapter.js';
import { badRequest, upstreamInvalidResponse } from '../errors.js';
import { headersFor as geminiHeaders, modelSegment } from '../providers/google/build-request.js';
import { endpoint } from '../providers/kit/endpoint.js';
import { isRecord, parseObject } from '../providers/kit/records.js';
import { postHeaders } from '../providers/openai-compatible/build-request.js';
import { readResponse as readOpenAIResponse } from '../providers/openai-compatible/read-response.js';
import type { CallContext, ProviderAdapter } from '../providers/types.js';
import { toBase64 } from '../util/encoding.js';
import { type EmbeddingsRequest, inputTexts } from './schema.js';

/** OpenAI or OpenRouter: `POST {base}/embeddings`, the client's body with the upstream model id. */
export function openAIEmbeddings(req: EmbeddingsRequest, provider: 'openai' | 'openrouter'): ProviderAdapter {
  return endpointAdapter(provider, {
    buildRequest(chat, call) {
      const body: Record<string, unknown> = { ...req, model: call.upstreamModel };
      // On the system key the policy put OpenRouter's `user` (a hash, never the user id) on `chat`.
      if (call.keySource === 'system' && typeof chat.user === 'string') body.user = chat.user;
      return {
        method: 'POST',
        url: endpoint(call.baseUrl, '/embeddings'),
        headers: postHeaders(call, 'application/json'),
        body: JSON.stringify(body),
      };
    },
    readResponse: readOpenAIResponse,
  });
}

/** Float32 little-endian bytes, base64: what OpenAI sends for `encoding_format: "base64"`. */
function base64Floats(values: number[]): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] ?? 0, true);
  return toBase64(new Uint8Array(view.buffer));
}

function geminiVectors(text: string, call: CallContext): number[][] {
  const parsed = parseObject(text);
  const list = parsed?.embeddings;
  if (!Array.isArray(list))
    throw upstreamInvalidResponse('Google returned an embeddings answer without `embeddings`.');
  return list.map((e) => {
    const values = isRecord(e) ? e.values : undefined;
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'number'))
      throw upstreamInvalidResponse(
        `Google returned an embedding without numeric values for ${call.upstreamModel}.`,
      );
    return values as number[];
  });
}

/** Gemini: `POST {base}/models/{model}:batchEmbedContents`, one request per input text. */
export function geminiEmbeddings(req: EmbeddingsRequest): ProviderAdapter {
  const texts = inputTexts(req);
  if (!texts)
    throw badRequest('unsupported_value', 'Gemini embeddings take text inputs, not token arrays.', 'input');
  return endpointAdapter('google', {
    buildRequest(_chat, call) {
      const model = `models/${call.upstreamModel.replace(/^models\//, '')}`;
      const requests = texts.map((text) => ({
        model,
        content: { parts: [{ text }] },
        ...(req.dimensions === undefined ? {} : { outputDimensionality: req.dimensions }),
      }));
      const headers = geminiHeaders(call.apiKey, 'application/json');
      headers['content-type'] = 'application/json';
      return {
        method: 'POST',
        url: endpoint(call.baseUrl, `/models/${modelSegment(call.upstreamModel)}:batchEmbedContents`),
        headers,
        body: JSON.stringify({ requests }),
      };
    },
    readResponse(text, call) {
      const vectors = geminiVectors(text, call);
      const base64 = req.encoding_format === 'base64';
      // Gemini reports no token counts for embeddings: the answer's usage is an estimate (four
      // characters a token) and the usage row is marked estimated (no usage is reported here).
      const estimate = texts.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
      const body = {
        object: 'list',
        data: vectors.map((v, index) => ({
          object: 'embedding',
          index,
          embedding: base64 ? base64Floats(v) : v,
        })),
        model: req.model,
        usage: { prompt_tokens: estimate, total_tokens: estimate },
      };
      return { body: JSON.stringify(body) };
    },
  });
}
