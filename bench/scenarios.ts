/**
 * The scenarios of `npm run bench`, each measured on the gateway and, where one applies, on the
 * baselines under the same load. Ratios are CPU time per request, gateway / baseline.
 */

import type { LoadRequest, LoadResult } from './load.js';
import type { RunningProcess } from './processes.js';
import { chatRequest, expectChat, MODELS, probe } from './requests.js';
import {
  type BenchContext,
  loadOpts,
  log,
  ratio,
  run,
  type ScenarioId,
  type ScenarioResult,
  wanted,
} from './scenario-kit.js';
import { halfLoad, keysCreate, keysList, openStreams } from './scenarios-more.js';

export type {
  BenchContext,
  FreshGateway,
  Plan,
  ScenarioId,
  ScenarioResult,
  TargetId,
} from './scenario-kit.js';
export { SCENARIO_IDS, TARGETS } from './scenario-kit.js';

async function passThrough(ctx: BenchContext, id: ScenarioId, title: string, stream: boolean) {
  const { users } = ctx;
  const gwReq = chatRequest(users.withKeys.jwt, MODELS.openai, stream);
  const baseReq = chatRequest('client-credential-ignored-by-baselines', MODELS.openai, stream);
  await expectChat(`${title} (raw proxy)`, ctx.raw.url, baseReq);
  await expectChat(`${title} (minimum hono floor)`, ctx.honoMin.url, baseReq);
  await expectChat(`${title} (hono + client floor)`, ctx.hono.url, baseReq);
  await expectChat(`${title} (gateway)`, ctx.gateway.url, gwReq, {
    'x-gateway-provider': 'openai',
    'x-gateway-key-source': 'user',
  });
  const runs = {
    raw: await run(`${title}, raw proxy`, ctx.raw, baseReq, loadOpts(ctx.plan)),
    honoMin: await run(`${title}, minimum hono floor`, ctx.honoMin, baseReq, loadOpts(ctx.plan)),
    hono: await run(`${title}, hono + client floor`, ctx.hono, baseReq, loadOpts(ctx.plan)),
    gateway: await run(`${title}, gateway`, ctx.gateway, gwReq, loadOpts(ctx.plan)),
  };
  return {
    id,
    title,
    runs,
    baseline: `${id}.raw`,
    figures: {
      cpuRatioVsRaw: ratio(runs.gateway, runs.raw),
      cpuRatioVsHonoMin: ratio(runs.gateway, runs.honoMin),
      cpuRatioVsHono: ratio(runs.gateway, runs.hono),
      honoMinRatioVsRaw: ratio(runs.honoMin, runs.raw),
      honoRatioVsRaw: ratio(runs.hono, runs.raw),
    },
  } satisfies ScenarioResult;
}

/** A gateway-only scenario, compared with a baseline run measured earlier. */
async function gatewayOnly(
  ctx: BenchContext,
  id: ScenarioId,
  title: string,
  target: RunningProcess,
  req: LoadRequest,
  base: { name: string; raw?: LoadResult; gateway?: LoadResult },
): Promise<ScenarioResult> {
  const gateway = await run(`${title}, gateway`, target, req, loadOpts(ctx.plan));
  return {
    id,
    title,
    runs: { gateway },
    baseline: `${base.name}.raw`,
    figures: {
      cpuRatioVsRaw: ratio(gateway, base.raw),
      cpuRatioVsGatewayBase: ratio(gateway, base.gateway),
    },
  };
}

export async function runAll(ctx: BenchContext): Promise<ScenarioResult[]> {
  const { users } = ctx;
  const results: ScenarioResult[] = [];
  const done = (r: ScenarioResult) => {
    results.push(r);
    return r;
  };

  const t0 = Date.now();
  const section = (name: string) => console.log(`▸ ${name} (t=${Math.round((Date.now() - t0) / 1000)} s)`);
  let nonStream: ScenarioResult | undefined;
  // The paced half load takes its rate from the non-streaming run.
  if (wanted('nonStreaming') || wanted('halfLoadLatency')) {
    section('non-streaming pass-through (OpenAI)');
    nonStream = done(await passThrough(ctx, 'nonStreaming', 'non-streaming (OpenAI)', false));
  }
  let stream: ScenarioResult | undefined;
  if (wanted('streaming')) {
    section('streaming pass-through (50 chunks)');
    stream = done(await passThrough(ctx, 'streaming', 'streaming, 50 chunks', true));
  }

  if (wanted('anthropicStreaming')) {
    section('Anthropic stream, translated');
    const anthropicReq = chatRequest(users.withKeys.jwt, MODELS.anthropic, true);
    const anthropicProbe = await probe(ctx.gateway.url, anthropicReq);
    if (anthropicProbe.headers.get('x-gateway-provider') !== 'anthropic') {
      log('skipped: no native Anthropic adapter');
      done({
        id: 'anthropicStreaming',
        title: 'Anthropic stream, translated',
        skipped: 'no native Anthropic adapter',
        runs: {},
        figures: {},
      });
    } else {
      await expectChat('Anthropic stream (gateway)', ctx.gateway.url, anthropicReq);
      const r = await gatewayOnly(
        ctx,
        'anthropicStreaming',
        'Anthropic stream, translated',
        ctx.gateway,
        anthropicReq,
        { name: 'streaming', raw: stream?.runs.raw, gateway: stream?.runs.gateway },
      );
      r.figures.cpuRatioVsHonoMin = ratio(r.runs.gateway, stream?.runs.honoMin);
      r.figures.cpuRatioVsHono = ratio(r.runs.gateway, stream?.runs.hono);
      done(r);
    }
  }

  const nsBase = { name: 'nonStreaming', raw: nonStream?.runs.raw, gateway: nonStream?.runs.gateway };
  if (wanted('openrouterSystemKey')) {
    section('system-key fallback via OpenRouter');
    const orReq = chatRequest(users.withoutKeys.jwt, MODELS.openai, false);
    await expectChat('OpenRouter system key (gateway)', ctx.gateway.url, orReq, {
      'x-gateway-provider': 'openrouter',
      'x-gateway-key-source': 'system',
    });
    done(await gatewayOnly(ctx, 'openrouterSystemKey', 'OpenRouter, system key', ctx.gateway, orReq, nsBase));
  }

  if (wanted('gatewayToken')) {
    section('gateway token instead of a JWT');
    const tokenReq = chatRequest(users.withKeys.gatewayToken, MODELS.openai, false);
    await expectChat('gateway token (gateway)', ctx.gateway.url, tokenReq, {
      'x-gateway-provider': 'openai',
    });
    done(await gatewayOnly(ctx, 'gatewayToken', 'gateway token (gwt_)', ctx.gateway, tokenReq, nsBase));
  }

  if (wanted('halfLoadLatency') && nonStream) {
    section('p99 latency added at half of max throughput');
    done(await halfLoad(ctx, nonStream));
  }

  if (wanted('keysCreate') || wanted('keysList')) section('key API: create and list');
  if (wanted('keysCreate')) done(await keysCreate(ctx));
  if (wanted('keysList')) done(await keysList(ctx));

  if (wanted('openStreams')) {
    section('concurrent slow streams held open (memory)');
    done(await openStreams(ctx));
  }

  if (wanted('postgres')) {
    section('PostgreSQL instead of SQLite');
    const pg = await ctx.startGateway('postgres');
    if (typeof pg === 'string') {
      log(`skipped: ${pg}`);
      done({ id: 'postgres', title: 'PostgreSQL (non-streaming)', skipped: pg, runs: {}, figures: {} });
    } else {
      try {
        const pgReq = chatRequest(pg.users.withKeys.jwt, MODELS.openai, false);
        await expectChat('PostgreSQL (gateway)', pg.gateway.url, pgReq, { 'x-gateway-provider': 'openai' });
        done(await gatewayOnly(ctx, 'postgres', 'PostgreSQL (non-streaming)', pg.gateway, pgReq, nsBase));
      } finally {
        await pg.stop();
      }
    }
  }
  return results;
}
