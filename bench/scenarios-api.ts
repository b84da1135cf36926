/**
 * Issue 16's routes in `npm run bench`, each beside its raw-proxy floor under the same load:
 *   embeddings         POST /v1/embeddings, OpenAI passed through on the user's key (8 inputs)
 *   messagesStreaming  POST /v1/messages, a Claude stream passed through byte for byte on the
 *                      user's Anthropic key (the fake upstream's Anthropic stream)
 * The raw proxy forwards the same path to the same fake upstream, so the ratio is what the
 * gateway adds on top of a pipe: auth, rate limit, key choice and decryption, budget, usage row.
 */
import { EMBEDDINGS_BODY } from './fake-upstream-api.js';
import type { LoadRequest } from './load.js';
import { probe } from './requests.js';
import {
  type BenchContext,
  loadOpts,
  ratio,
  run,
  type ScenarioId,
  type ScenarioResult,
  wanted,
} from './scenario-kit.js';

const MESSAGES_BODY = JSON.stringify({
  model: 'claude-sonnet-4-5',
  max_tokens: 128,
  stream: true,
  system: 'You are a terse assistant.',
  messages: [{ role: 'user', content: 'Say hello in five words, then count to fifty.' }],
});

function post(path: string, headers: Record<string, string>, body: string): LoadRequest {
  return { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body };
}

/** Probes a target and throws unless it answers 200 with `marker` (a misrouted target must stop the bench). */
async function expectAnswer(label: string, url: string, req: LoadRequest, marker: string, provider?: string) {
  const a = await probe(url, req);
  if (a.status !== 200 || !a.text.includes(marker))
    throw new Error(`${label}: probe answered ${a.status}: ${a.text.slice(0, 400)}`);
  if (provider && a.headers.get('x-gateway-provider') !== provider)
    throw new Error(`${label}: probe went to ${a.headers.get('x-gateway-provider')}, expected ${provider}`);
}

async function beside(
  ctx: BenchContext,
  id: ScenarioId,
  title: string,
  reqs: { gateway: LoadRequest; raw: LoadRequest },
  marker: string,
  provider: string,
): Promise<ScenarioResult> {
  await expectAnswer(`${title} (raw proxy)`, ctx.raw.url, reqs.raw, marker);
  await expectAnswer(`${title} (gateway)`, ctx.gateway.url, reqs.gateway, marker, provider);
  const runs = {
    raw: await run(`${title}, raw proxy`, ctx.raw, reqs.raw, loadOpts(ctx.plan)),
    gateway: await run(`${title}, gateway`, ctx.gateway, reqs.gateway, loadOpts(ctx.plan)),
  };
  return {
    id,
    title,
    runs,
    baseline: `${id}.raw`,
    figures: { cpuRatioVsRaw: ratio(runs.gateway, runs.raw) },
  };
}

export async function runApiScenarios(ctx: BenchContext): Promise<ScenarioResult[]> {
  const { withKeys } = ctx.users;
  const results: ScenarioResult[] = [];
  if (wanted('embeddings')) {
    console.log('▸ embeddings pass-through (OpenAI, 8 inputs)');
    const gateway = post('/v1/embeddings', { authorization: `Bearer ${withKeys.jwt}` }, EMBEDDINGS_BODY);
    const raw = post('/v1/embeddings', { authorization: 'Bearer ignored-by-the-raw-proxy' }, EMBEDDINGS_BODY);
    results.push(
      await beside(
        ctx,
        'embeddings',
        'embeddings (OpenAI, 8 inputs)',
        { gateway, raw },
        '"embedding"',
        'openai',
      ),
    );
  }
  if (wanted('messagesStreaming')) {
    console.log('▸ /v1/messages stream passed through (Anthropic)');
    // A gateway token in x-api-key, as Claude Code sends it.
    const headers = { 'x-api-key': withKeys.gatewayToken, 'anthropic-version': '2023-06-01' };
    const gateway = post('/v1/messages', headers, MESSAGES_BODY);
    const raw = post('/v1/messages', { 'anthropic-version': '2023-06-01' }, MESSAGES_BODY);
    results.push(
      await beside(
        ctx,
        'messagesStreaming',
        '/v1/messages stream (Anthropic, native)',
        { gateway, raw },
        'event: message_stop',
        'anthropic',
      ),
    );
  }
  return results;
}
