/**
 * The scenarios that are not plain load on a chat route: latency at a paced half load, the key
 * API, and memory per open idle stream.
 */
import { jwtPool } from './gateway-setup.js';
import { assertHealthy, type LoadRequest, round } from './load.js';
import { measureOpenStreams, type OpenStreamsResult, streamCountFor } from './open-streams.js';
import { measurePaced } from './paced-load.js';
import type { RunningProcess } from './processes.js';
import { chatBody, chatRequest, expectChat, MODELS } from './requests.js';
import {
  type BenchContext,
  loadOpts,
  log,
  ratio,
  run,
  type ScenarioResult,
  type TargetId,
} from './scenario-kit.js';

export async function halfLoad(ctx: BenchContext, nonStream: ScenarioResult): Promise<ScenarioResult> {
  const rate = Math.max(10, Math.floor((nonStream.runs.gateway?.rps ?? 20) / 2));
  const warmup = ctx.plan.warmupSeconds;
  const measured = async (label: string, target: RunningProcess, req: LoadRequest) => {
    const r = await measurePaced(target, req, rate, ctx.plan.seconds, warmup);
    assertHealthy(label, r);
    log(
      `${label}: p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, ${r.cpuMicrosPerRequest} µs CPU/req`,
    );
    return r;
  };
  const baseReq = chatRequest('ignored', MODELS.openai, false);
  const raw = await measured(`${rate} req/s paced, raw proxy`, ctx.raw, baseReq);
  // Both Hono floors too: what the stack adds to the tail before any gateway logic runs.
  const honoMin = await measured(`${rate} req/s paced, minimum hono floor`, ctx.honoMin, baseReq);
  const hono = await measured(`${rate} req/s paced, hono + client floor`, ctx.hono, baseReq);
  const gwReq = chatRequest(ctx.users.withKeys.jwt, MODELS.openai, false);
  const gateway = await measured(`${rate} req/s paced, gateway`, ctx.gateway, gwReq);
  return {
    id: 'halfLoadLatency',
    title: `non-streaming, ${rate} req/s (half of max)`,
    runs: { raw, honoMin, hono, gateway },
    baseline: 'halfLoadLatency.raw',
    figures: {
      rate,
      p50AddedMs: round(gateway.latencyMs.p50! - raw.latencyMs.p50!, 3),
      p99AddedMs: round(gateway.latencyMs.p99! - raw.latencyMs.p99!, 3),
      p99AddedVsHonoMinMs: round(gateway.latencyMs.p99! - honoMin.latencyMs.p99!, 3),
      p99AddedVsHonoMs: round(gateway.latencyMs.p99! - hono.latencyMs.p99!, 3),
      honoMinP99AddedMs: round(honoMin.latencyMs.p99! - raw.latencyMs.p99!, 3),
      cpuRatioVsRaw: ratio(gateway, raw),
      honoMinRatioVsRaw: ratio(honoMin, raw),
      honoRatioVsRaw: ratio(hono, raw),
      cpuRatioVsHonoMin: ratio(gateway, honoMin),
      cpuRatioVsHono: ratio(gateway, hono),
    },
  };
}

export async function keysCreate(ctx: BenchContext): Promise<ScenarioResult> {
  // At most 90 keys per user (the API allows 100): enough fresh users for a fast target.
  const perUser = 90;
  const pool = await jwtPool(Math.ceil(((ctx.plan.seconds + ctx.plan.warmupSeconds) * 8_000) / perUser));
  const apiKey = `sk-proj-${'b'.repeat(74)}T3BlbkFJ${'c'.repeat(74)}`;
  let n = 0;
  const req: LoadRequest = {
    method: 'POST',
    path: '/api/user/api-keys',
    headers: { authorization: `Bearer ${pool[0]}`, 'content-type': 'application/json' },
    vary: () => {
      const i = n++;
      return {
        headers: { authorization: `Bearer ${pool[Math.floor(i / perUser) % pool.length]}` },
        body: JSON.stringify({ provider: 'openai', apiKey, keyName: `bench-${i}` }),
      };
    },
  };
  const gateway = await run('POST /api/user/api-keys, gateway', ctx.gateway, req, loadOpts(ctx.plan));
  return { id: 'keysCreate', title: 'key API: create (POST)', runs: { gateway }, figures: {} };
}

export async function keysList(ctx: BenchContext): Promise<ScenarioResult> {
  const req: LoadRequest = {
    method: 'GET',
    path: '/api/user/api-keys',
    headers: { authorization: `Bearer ${ctx.users.withKeys.jwt}` },
  };
  const gateway = await run('GET /api/user/api-keys, gateway', ctx.gateway, req, loadOpts(ctx.plan));
  return { id: 'keysList', title: 'key API: list (GET, 2 keys)', runs: { gateway }, figures: {} };
}

/** Fresh processes, so the idle RSS is not a heap already grown by the load scenarios. */
export async function openStreams(ctx: BenchContext): Promise<ScenarioResult> {
  const count = streamCountFor(ctx.plan.streams);
  const body = chatBody(MODELS.slow, true);
  const headersFor = (credential: string) => ({
    authorization: `Bearer ${credential}`,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  });
  const measured: Partial<Record<TargetId, OpenStreamsResult>> = {};
  for (const id of ['raw', 'gateway'] as const) {
    let target: RunningProcess;
    let credential = 'ignored';
    let stop: () => Promise<void>;
    if (id === 'raw') {
      target = await ctx.startRaw();
      stop = () => target.stop();
    } else {
      const fresh = await ctx.startGateway('sqlite');
      if (typeof fresh === 'string') throw new Error(fresh);
      target = fresh.gateway;
      credential = fresh.users.withKeys.jwt;
      stop = fresh.stop;
    }
    try {
      const req = { path: '/v1/chat/completions', headers: headersFor(credential), body };
      // Warm the code paths first (lazy compilation is not per-stream memory).
      await expectChat(`${target.name} warm-up`, target.url, chatRequest(credential, MODELS.openai, true));
      const { openTimeoutMs, settleMs } = ctx.plan;
      await measureOpenStreams(target, req, ctx.upstream.url, {
        count: 50,
        openTimeoutMs: 5_000,
        settleMs: 0,
      });
      const r = await measureOpenStreams(target, req, ctx.upstream.url, { count, openTimeoutMs, settleMs });
      measured[id] = r;
      log(
        `${target.name}: ${r.opened}/${r.requested} streams open (${r.upstreamOpen} at the upstream), ` +
          `RSS ${Math.round(r.idleRssKiB / 1024)} → ${Math.round(r.withStreamsRssKiB / 1024)} MiB, ${r.perStreamKiB} KiB/stream`,
      );
      if (r.opened < r.requested) {
        console.warn(
          `bench: only ${r.opened} of ${r.requested} streams opened on ${target.name} (${r.failed} failed, the rest waited)`,
        );
      }
    } finally {
      await stop();
    }
  }
  return {
    id: 'openStreams',
    title: `${count} slow streams open at once`,
    runs: {},
    openStreams: measured,
    figures: {
      streams: count,
      gatewayPerStreamKiB: measured.gateway?.perStreamKiB ?? Number.NaN,
      rawPerStreamKiB: measured.raw?.perStreamKiB ?? Number.NaN,
      gatewayOpened: measured.gateway?.opened ?? Number.NaN,
      gatewayUpstreamOpen: measured.gateway?.upstreamOpen ?? Number.NaN,
    },
  };
}
