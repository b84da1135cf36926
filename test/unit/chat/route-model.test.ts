import { describe, expect, it } from 'vitest';
import { routeModel } from '../../../src/chat/route-model.js';
import { GatewayError } from '../../../src/errors.js';

describe('model routing', () => {
  it.each([
    // model, provider, id for the provider's own API, id for OpenRouter
    ['openai/gpt-4o', 'openai', 'gpt-4o', 'openai/gpt-4o'],
    ['anthropic/claude-sonnet-4-5', 'anthropic', 'claude-sonnet-4-5', 'anthropic/claude-sonnet-4-5'],
    ['google/gemini-2.5-flash', 'google', 'gemini-2.5-flash', 'google/gemini-2.5-flash'],
    [
      'meta-llama/Llama-3.3-70B-Instruct',
      'meta',
      'Llama-3.3-70B-Instruct',
      'meta-llama/Llama-3.3-70B-Instruct',
    ],
    [
      'meta/Llama-4-Scout-17B-16E-Instruct-FP8',
      'meta',
      'Llama-4-Scout-17B-16E-Instruct-FP8',
      'meta-llama/Llama-4-Scout-17B-16E-Instruct-FP8',
    ],
    [
      'openrouter/mistralai/mistral-large',
      'openrouter',
      'mistralai/mistral-large',
      'mistralai/mistral-large',
    ],
    ['openrouter/auto', 'openrouter', 'openrouter/auto', 'openrouter/auto'],
    ['mistralai/mistral-large', 'openrouter', 'mistralai/mistral-large', 'mistralai/mistral-large'],
    [
      'deepseek/deepseek-chat:free',
      'openrouter',
      'deepseek/deepseek-chat:free',
      'deepseek/deepseek-chat:free',
    ],
    ['gpt-4o-mini', 'openai', 'gpt-4o-mini', 'openai/gpt-4o-mini'],
    ['chatgpt-4o-latest', 'openai', 'chatgpt-4o-latest', 'openai/chatgpt-4o-latest'],
    ['o1-preview', 'openai', 'o1-preview', 'openai/o1-preview'],
    ['o3-mini', 'openai', 'o3-mini', 'openai/o3-mini'],
    ['o4-mini', 'openai', 'o4-mini', 'openai/o4-mini'],
    ['claude-sonnet-4-5', 'anthropic', 'claude-sonnet-4-5', 'anthropic/claude-sonnet-4-5'],
    ['gemini-2.5-pro', 'google', 'gemini-2.5-pro', 'google/gemini-2.5-pro'],
    ['llama-3.3-70b-instruct', 'meta', 'llama-3.3-70b-instruct', 'meta-llama/llama-3.3-70b-instruct'],
    [
      'Llama-4-Maverick-17B-128E-Instruct-FP8',
      'meta',
      'Llama-4-Maverick-17B-128E-Instruct-FP8',
      'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8',
    ],
  ])('routes %s to %s as %s (OpenRouter: %s)', (model, provider, nativeModel, openrouterModel) => {
    expect(routeModel(model)).toEqual({ provider, nativeModel, openrouterModel });
  });

  it.each(['mistral-large', 'text-davinci', 'davinci', 'unknown'])(
    'answers a bare unknown id %s with 404 model_not_found',
    (model) => {
      try {
        routeModel(model);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(GatewayError);
        expect((err as GatewayError).status).toBe(404);
        expect((err as GatewayError).code).toBe('model_not_found');
        expect((err as GatewayError).param).toBe('model');
      }
    },
  );

  it('names every prefix it routes, meta/ included, when it cannot route a model', () => {
    expect(() => routeModel('mystery-model')).toThrow(
      /openai\/.*anthropic\/.*google\/.*meta-llama\/.*meta\/.*openrouter\//,
    );
  });
});
