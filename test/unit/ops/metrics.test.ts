import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { notFound } from '../../../src/errors.js';
import type { AppEnv } from '../../../src/http/app-env.js';
import { onError } from '../../../src/http/error-response.js';
import { silentLogger } from '../../../src/ops/logger.js';
import {
  createMetrics,
  escapeLabelValue,
  LATENCY_BUCKETS,
  type Metrics,
  safeLabelValue,
} from '../../../src/ops/metrics.js';
import { httpMetrics } from '../../../src/ops/metrics-middleware.js';
import { metricsRoutes } from '../../../src/ops/metrics-routes.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Parsed {
  help: Map<string, string>;
  type: Map<string, string>;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** Parses one `name{a="x",b="y"} value` line strictly, unescaping label values. */
function parseSample(line: string): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new Error(`no metric name: ${line}`);
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    while (line[i] !== '}') {
      const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(i));
      if (!label?.[1]) throw new Error(`bad label at ${i}: ${line}`);
      i += label[0].length;
      let value = '';
      for (;;) {
        const ch = line[i++];
        if (ch === undefined) throw new Error(`unterminated label value: ${line}`);
        if (ch === '"') break;
        if (ch === '\\') {
          const esc = line[i++];
          if (esc === 'n') value += '\n';
          else if (esc === '\\' || esc === '"') value += esc;
          else throw new Error(`bad escape \\${esc}: ${line}`);
        } else value += ch;
      }
      labels[label[1]] = value;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') throw new Error(`expected , or } at ${i}: ${line}`);
    }
    i++;
  }
  const rest = line.slice(i);
  if (!/^ (?:[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?|[+-]Inf|NaN)$/.test(rest))
    throw new Error(`bad value: ${line}`);
  const text = rest.slice(1);
  const value = text === '+Inf' ? Number.POSITIVE_INFINITY : text === '-Inf' ? -Infinity : Number(text);
  return { name, labels, value };
}

/** Reads the whole exposition back, checking every line's shape and HELP/TYPE ordering. */
function parse(text: string): Parsed {
  expect(text.endsWith('\n')).toBe(true);
  const out: Parsed = { help: new Map(), type: new Map(), samples: [] };
  let current = '';
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (kind === 'HELP') {
        expect(out.help.has(name)).toBe(false);
        out.help.set(name, rest);
        current = name;
      } else {
        expect(current).toBe(name); // TYPE follows its HELP
        expect(['counter', 'gauge', 'histogram']).toContain(rest);
        out.type.set(name, rest);
      }
      continue;
    }
    const sample = parseSample(line);
    const family =
      out.type.get(current) === 'histogram' ? sample.name.replace(/_(bucket|sum|count)$/, '') : sample.name;
    expect(family).toBe(current); // every sample sits under its own family's header
    out.samples.push(sample);
  }
  return out;
}

const find = (p: Parsed, name: string, labels: Record<string, string>) =>
  p.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

function exercise(m: Metrics) {
  m.httpRequests.inc({ route: '/api/user/api-keys/:keyId', method: 'PATCH', status: 200 });
  m.httpRequests.inc({ route: '/api/user/api-keys/:keyId', method: 'PATCH', status: 200 });
  m.httpRequests.inc({ route: 'unmatched', method: 'GET', status: 404 });
  m.chatRequests.inc({ provider: 'anthropic', key_source: 'user', stream: true, status: 200 });
  m.upstreamDuration.observe({ provider: 'openai' }, 0.004);
  m.upstreamDuration.observe({ provider: 'openai' }, 0.3);
  m.upstreamDuration.observe({ provider: 'openai' }, 0.3);
  m.upstreamDuration.observe({ provider: 'openai' }, 75);
  m.upstreamTtfb.observe({ provider: 'openai' }, 0.05);
  m.tokens.inc({ provider: 'openai', direction: 'prompt' }, 12);
  m.tokens.inc({ provider: 'openai', direction: 'completion' }, 30);
  m.streamsInFlight.inc({ provider: 'google' });
  m.streamsInFlight.inc({ provider: 'google' });
  m.streamsInFlight.dec({ provider: 'google' });
  m.rateLimited.inc();
  m.storedKeyDecryptFailures.inc(2);
}

describe('createMetrics', () => {
  it('exposes exactly the byok_ families, each with HELP and TYPE', () => {
    const p = parse(createMetrics().render());
    expect(Object.fromEntries(p.type)).toEqual({
      byok_http_requests_total: 'counter',
      byok_chat_requests_total: 'counter',
      byok_upstream_duration_seconds: 'histogram',
      byok_upstream_ttfb_seconds: 'histogram',
      byok_tokens_total: 'counter',
      byok_streams_in_flight: 'gauge',
      byok_rate_limited_total: 'counter',
      byok_stored_key_decrypt_failures_total: 'counter',
    });
    for (const help of p.help.values()) expect(help.length).toBeGreaterThan(10);
  });

  it('shows unlabelled counters at 0 before anything happened, and no labelled series', () => {
    const p = parse(createMetrics().render());
    expect(p.samples).toEqual([
      { name: 'byok_rate_limited_total', labels: {}, value: 0 },
      { name: 'byok_stored_key_decrypt_failures_total', labels: {}, value: 0 },
    ]);
  });

  it('writes counters and gauges in the exact text format', () => {
    const m = createMetrics();
    exercise(m);
    const lines = m.render().split('\n');
    expect(lines).toContain(
      'byok_http_requests_total{route="/api/user/api-keys/:keyId",method="PATCH",status="200"} 2',
    );
    expect(lines).toContain('byok_http_requests_total{route="unmatched",method="GET",status="404"} 1');
    expect(lines).toContain(
      'byok_chat_requests_total{provider="anthropic",key_source="user",stream="true",status="200"} 1',
    );
    expect(lines).toContain('byok_tokens_total{provider="openai",direction="prompt"} 12');
    expect(lines).toContain('byok_tokens_total{provider="openai",direction="completion"} 30');
    expect(lines).toContain('byok_streams_in_flight{provider="google"} 1');
    expect(lines).toContain('byok_rate_limited_total 1');
    expect(lines).toContain('byok_stored_key_decrypt_failures_total 2');
    expect(lines).toContain('# TYPE byok_streams_in_flight gauge');
  });

  it('writes histograms as cumulative buckets ending in +Inf, then _sum and _count', () => {
    const m = createMetrics();
    exercise(m);
    const p = parse(m.render());
    const buckets = find(p, 'byok_upstream_duration_seconds_bucket', { provider: 'openai' });
    expect(buckets.map((b) => b.labels.le)).toEqual([...LATENCY_BUCKETS.map(String), '+Inf']);
    expect(LATENCY_BUCKETS[0]).toBe(0.005);
    expect(LATENCY_BUCKETS.at(-1)).toBe(60);
    const counts = buckets.map((b) => b.value);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1] ?? 0);
    const at = (le: string) => buckets.find((b) => b.labels.le === le)?.value;
    expect([at('0.005'), at('0.25'), at('0.5'), at('60'), at('+Inf')]).toEqual([1, 1, 3, 3, 4]);
    expect(find(p, 'byok_upstream_duration_seconds_sum', { provider: 'openai' })[0]?.value).toBeCloseTo(
      75.604,
    );
    expect(find(p, 'byok_upstream_duration_seconds_count', { provider: 'openai' })[0]?.value).toBe(4);
    expect(find(p, 'byok_upstream_ttfb_seconds_bucket', { le: '0.05' })[0]?.value).toBe(1);
    expect(find(p, 'byok_upstream_ttfb_seconds_bucket', { le: '0.025' })[0]?.value).toBe(0);
  });

  it('counts an observation equal to a bound in that bucket (le is inclusive)', () => {
    const m = createMetrics();
    m.upstreamTtfb.observe({ provider: 'meta' }, 1);
    const p = parse(m.render());
    expect(find(p, 'byok_upstream_ttfb_seconds_bucket', { le: '0.5' })[0]?.value).toBe(0);
    expect(find(p, 'byok_upstream_ttfb_seconds_bucket', { le: '1' })[0]?.value).toBe(1);
  });

  it('ignores negative, NaN and infinite amounts', () => {
    const m = createMetrics();
    m.upstreamDuration.observe({ provider: 'openai' }, Number.NaN);
    m.upstreamDuration.observe({ provider: 'openai' }, -1);
    m.tokens.inc({ provider: 'openai', direction: 'prompt' }, Number.POSITIVE_INFINITY);
    m.rateLimited.inc(-5);
    const p = parse(m.render());
    expect(find(p, 'byok_upstream_duration_seconds_count', {})).toEqual([]);
    expect(find(p, 'byok_tokens_total', {})).toEqual([]);
    expect(find(p, 'byok_rate_limited_total', {})[0]?.value).toBe(0);
  });
});

describe('label safety', () => {
  it('escapes backslash, double quote and newline in label values', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(parseSample(`x{v="${escapeLabelValue('a\\b"c\nd')}"} 1`).labels.v).toBe('a\\b"c\nd');
  });

  it.each([
    ['a UUID user id', '3f2a9c1e-8b7d-4e6f-a5c4-2b1d0e9f8a7c'],
    ['a prefixed user id', 'user_2abcXYZdef'],
    ['an auth0 subject', 'auth0|64f1c2aa'],
    ['an email', 'alice@example.com'],
    ['an OpenAI key', 'sk-proj-abcdEFGH1234'],
    ['an Anthropic key', 'sk-ant-api03-abcdefghijklmnop'],
    ['a Google key', 'AIzaSyA1b2C3d4E5f6G7h8I9j0'],
    ['a gateway token', 'gwt_Zx9Yw8Vu7Ts6Rq5'],
    ['a random key id', 'k7Qp2Lx9Rt4Vb8Nz1Mc6Wd3'],
    ['a hex hash', 'deadbeef0123456789abcdef'],
    ['a raw path with an id', '/api/user/api-keys/3f2a9c1e8b7d4e6fa5c42b1d0e9f8a7c'],
    ['a value with a quote', 'bad"value'],
    ['a value with a newline', 'bad\nvalue'],
    ['a value with spaces', 'two words'],
    ['an overlong value', 'a'.repeat(65)],
    ['an empty value', ''],
  ])('replaces %s with `other`', (_what, value) => {
    expect(safeLabelValue(value)).toBe('other');
  });

  it.each([
    'openai',
    'meta-llama',
    'user',
    'system',
    '/api/user/api-keys/:keyId',
    '/v1/chat/completions',
    'unmatched',
    '404',
    'true',
    'claude-3-5-sonnet-20241022',
  ])('keeps the closed-set value %s', (value) => {
    expect(safeLabelValue(value)).toBe(value);
  });

  it('never prints a string that was passed as an invalid label value', () => {
    const secrets = [
      'sk-proj-CANARY0123456789abcdefghijklmnop',
      '3f2a9c1e-8b7d-4e6f-a5c4-2b1d0e9f8a7c',
      'user_2abcXYZdef',
      'alice@example.com',
      'inject"} 1\nbyok_fake_total 99',
    ];
    const m = createMetrics();
    for (const s of secrets) {
      m.httpRequests.inc({ route: s, method: 'GET', status: 200 });
      m.chatRequests.inc({ provider: s, key_source: 'user', stream: false, status: 200 });
      m.upstreamDuration.observe({ provider: s }, 0.1);
      m.tokens.inc({ provider: s, direction: 'prompt' });
      m.streamsInFlight.set({ provider: s }, 1);
    }
    const text = m.render();
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).not.toContain('CANARY');
    expect(text).not.toContain('byok_fake_total');
    const p = parse(text);
    expect(find(p, 'byok_http_requests_total', { route: 'other' })[0]?.value).toBe(secrets.length);
    expect(find(p, 'byok_streams_in_flight', { provider: 'other' })[0]?.value).toBe(1);
  });

  it('folds new series into `other` once a family holds too many', () => {
    const m = createMetrics();
    for (let i = 0; i < 6_000; i++) m.httpRequests.inc({ route: `/r${i}`, method: 'GET', status: 200 });
    const p = parse(m.render());
    const series = p.samples.filter((s) => s.name === 'byok_http_requests_total');
    expect(series.length).toBeLessThanOrEqual(5_001);
    expect(find(p, 'byok_http_requests_total', { route: 'other', method: 'other' })[0]?.value).toBe(1_000);
  });
});

describe('httpMetrics and GET /metrics', () => {
  function app(m: Metrics) {
    const a = new Hono<AppEnv>();
    a.use('*', httpMetrics(m));
    a.onError(onError(silentLogger));
    a.notFound(() => {
      throw notFound('route_not_found', 'No such route.');
    });
    a.route('/', metricsRoutes(m));
    a.use('/api/*', async (c, next) => {
      if (c.req.header('authorization') !== 'Bearer ok') throw notFound('key_not_found', 'nope');
      await next();
    });
    const keys = new Hono<AppEnv>();
    keys.get('/:keyId', (c) => c.json({ id: c.req.param('keyId') }));
    a.route('/api/user/api-keys', keys);
    return a;
  }
  const auth = { headers: { authorization: 'Bearer ok' } };

  it('serves the registry as Prometheus text without a credential', async () => {
    const m = createMetrics();
    const res = await app(m).request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    parse(await res.text());
  });

  it('labels requests with the route pattern, never the raw path, and 404s as unmatched', async () => {
    const m = createMetrics();
    const a = app(m);
    await a.request('/api/user/api-keys/key_3f2a9c1e8b7d', auth);
    await a.request('/api/user/api-keys/key_77aa01bc', auth);
    await a.request('/no/such/user_2abcXYZ');
    await a.request('/api/unknown', auth);
    await a.request('/metrics', { method: 'BREW' });
    const text = m.render();
    expect(text).toContain(
      'byok_http_requests_total{route="/api/user/api-keys/:keyId",method="GET",status="200"} 2',
    );
    expect(text).toContain('byok_http_requests_total{route="unmatched",method="GET",status="404"} 2');
    expect(text).toContain('byok_http_requests_total{route="unmatched",method="other",status="404"} 1');
    for (const raw of ['key_3f2a9c1e8b7d', 'key_77aa01bc', 'user_2abcXYZ', '/api/unknown']) {
      expect(text).not.toContain(raw);
    }
  });
});
