import { describe, expect, it } from 'vitest';
import {
  buildRequest,
  toGeminiRequest,
  verifyKeyRequest,
} from '../../../../src/providers/google/build-request.js';
import type { ChatRequest } from '../../../../src/providers/types.js';
import { fixtureJson, GOOGLE_KEY, googleCall } from './helpers.js';

const hello: ChatRequest = { model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] };

describe('buildRequest for Gemini', () => {
  it('posts to models/{model}:generateContent with the key only in x-goog-api-key', () => {
    const req = buildRequest(hello, googleCall({ stream: false }));
    expect(req.method).toBe('POST');
    expect(req.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
    );
    expect(req.headers).toEqual({
      'x-goog-api-key': GOOGLE_KEY,
      accept: 'application/json',
      'content-type': 'application/json',
      'user-agent': 'byok-gateway',
    });
    expect(JSON.parse(req.body ?? '')).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  it('streams through :streamGenerateContent?alt=sse, never with the key in the URL', () => {
    const req = buildRequest({ ...hello, stream: true }, googleCall({ stream: true }));
    expect(req.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    expect(req.headers.accept).toBe('text/event-stream');
    expect(req.url).not.toContain(GOOGLE_KEY);
    expect(req.url).not.toMatch(/[?&]key=/);
    expect(req.body).not.toContain(GOOGLE_KEY);
    expect(Object.keys(req.headers)).not.toContain('authorization');
  });

  it('encodes the model id as one path segment and tolerates a models/ prefix', () => {
    const base = 'http://127.0.0.1:9/v1beta/';
    expect(
      buildRequest(hello, googleCall({ stream: false, upstreamModel: 'tuned/x y', baseUrl: base })).url,
    ).toBe('http://127.0.0.1:9/v1beta/models/tuned%2Fx%20y:generateContent');
    expect(
      buildRequest(hello, googleCall({ stream: false, upstreamModel: 'models/gemini-2.0-flash' })).url,
    ).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent');
  });

  it.each(['conversation', 'unsigned-history'])(
    'translates the %s fixture into exactly the recorded upstream body',
    (name) => {
      const openai = fixtureJson<ChatRequest>(`request-${name}.openai.json`);
      const model = openai.model.replace(/^google\//, '');
      expect(toGeminiRequest(openai, model, false)).toEqual(fixtureJson(`request-${name}.gemini.json`));
      // and the wire body is that object as JSON
      const req = buildRequest(openai, googleCall({ stream: false, upstreamModel: model }));
      expect(JSON.parse(req.body ?? '')).toEqual(fixtureJson(`request-${name}.gemini.json`));
    },
  );
});

describe('verifyKeyRequest for Gemini', () => {
  it('lists one model with the key in x-goog-api-key (free, no tokens)', () => {
    const req = verifyKeyRequest('google', GOOGLE_KEY, 'https://generativelanguage.googleapis.com/v1beta');
    expect(req).toEqual({
      method: 'GET',
      url: 'https://generativelanguage.googleapis.com/v1beta/models?pageSize=1',
      headers: { 'x-goog-api-key': GOOGLE_KEY, accept: 'application/json', 'user-agent': 'byok-gateway' },
    });
  });
});
