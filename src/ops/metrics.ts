/**
 * A tiny Prometheus registry (text exposition format 0.0.4), no dependency, Web standards only.
 *
 * LABELS COME FROM CLOSED SETS ONLY: provider ids, key sources, HTTP methods and statuses,
 * route PATTERNS (`/api/user/api-keys/:keyId`, never a raw path). User ids, key ids, token
 * ids, API keys, model names typed by users, raw paths: NEVER a label. They would leak who
 * uses the gateway to anyone who can read /metrics and make the series count unbounded.
 * As a safety net every label value is checked (`safeLabelValue`): anything outside
 * `/^[a-z0-9_./:-]{1,64}$/i`, or shaped like a key, token, UUID or long random id, is
 * recorded as `other`; and a family that somehow grows past MAX_SERIES folds new series
 * into `other` too. The net is not a licence: a short numeric user id would pass it.
 */

export type LabelValue = string | number | boolean;
type LabelSet = Record<string, LabelValue>;

interface Counter<L extends LabelSet> {
  inc(labels: L, by?: number): void;
}
interface PlainCounter {
  inc(by?: number): void;
}
interface Gauge<L extends LabelSet> {
  inc(labels: L, by?: number): void;
  dec(labels: L, by?: number): void;
  set(labels: L, value: number): void;
}
interface Histogram<L extends LabelSet> {
  /** One observation, in seconds. Non-finite or negative values are ignored. */
  observe(labels: L, seconds: number): void;
}

type KeySource = 'user' | 'org' | 'system' | 'none';
type TokenDirection = 'prompt' | 'completion';

export interface Metrics {
  /** byok_http_requests_total{route,method,status} */
  httpRequests: Counter<{ route: string; method: string; status: number }>;
  /** byok_chat_requests_total{provider,key_source,stream,status} */
  chatRequests: Counter<{ provider: string; key_source: KeySource; stream: boolean; status: number }>;
  /** byok_upstream_duration_seconds{provider}: request sent → upstream body finished. */
  upstreamDuration: Histogram<{ provider: string }>;
  /** byok_upstream_ttfb_seconds{provider}: request sent → first byte of the upstream answer. */
  upstreamTtfb: Histogram<{ provider: string }>;
  /** byok_tokens_total{provider,direction} */
  tokens: Counter<{ provider: string; direction: TokenDirection }>;
  /** byok_streams_in_flight{provider} */
  streamsInFlight: Gauge<{ provider: string }>;
  /** byok_rate_limited_total */
  rateLimited: PlainCounter;
  /** byok_stored_key_decrypt_failures_total */
  storedKeyDecryptFailures: PlainCounter;
  /** Every series in Prometheus text format 0.0.4. */
  render(): string;
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Latency buckets in seconds, 5 ms to 60 s (the upstream timeout's default). */
export const LATENCY_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60,
];

const HELP = {
  byok_http_requests_total: 'HTTP requests answered, by route pattern, method and status.',
  byok_chat_requests_total: 'Chat completion requests, by provider called, key source, streaming and status.',
  byok_upstream_duration_seconds: 'Total time of an upstream provider call, until its body ended.',
  byok_upstream_ttfb_seconds: 'Time from sending an upstream request to its first byte.',
  byok_tokens_total: 'Tokens reported by providers, by direction (prompt or completion).',
  byok_streams_in_flight: 'Streamed chat responses currently open.',
  byok_rate_limited_total: 'Requests refused by the per-user rate limit.',
  byok_stored_key_decrypt_failures_total: 'Stored provider keys that could not be decrypted.',
} as const;
type MetricName = keyof typeof HELP;

const MAX_SERIES = 5_000;
const OTHER = 'other';
const SAFE_LABEL = /^[a-z0-9_./:-]{1,64}$/i;
const LOOKS_LIKE_SECRET: readonly RegExp[] = [
  /^(?:(?:sk|rk|pk|gwt|xai|gsk|key|tok|token|user|usr|uid)[-_]|aiza)/i, // key / token / id prefixes
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i, // UUID
  /[0-9a-f]{16,}/i, // hashes, hex ids
  /\d{9,}/, // long numeric ids
];
const ALNUM_RUN = /[a-z0-9]{20,}/gi;

/** A label value fit to publish, or `other`. */
export function safeLabelValue(value: LabelValue): string {
  const s = String(value);
  if (!SAFE_LABEL.test(s)) return OTHER;
  if (LOOKS_LIKE_SECRET.some((re) => re.test(s))) return OTHER;
  // A long run mixing letters and digits reads as random: a key or an opaque id.
  for (const run of s.match(ALNUM_RUN) ?? []) {
    if (/\d/.test(run) && /[a-z]/i.test(run)) return OTHER;
  }
  return s;
}

/** Escaping of the exposition format for label values: backslash, double quote, newline. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

function formatLabels(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const pairs = names.map((name, i) => `${name}="${escapeLabelValue(values[i] ?? OTHER)}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

type Kind = 'counter' | 'gauge' | 'histogram';

interface Family<S> {
  name: MetricName;
  kind: Kind;
  labelNames: readonly string[];
  series: Map<string, { values: string[]; state: S }>;
  init: () => S;
  lines: (labels: string[], state: S, out: string[]) => void;
}

/**
 * safeLabelValue runs several regexes; label values come from small closed sets, so each distinct
 * value is checked once (bounded, in case a caller ever passes open-ended values).
 */
const checkedValues = new Map<string, string>();
function checkedLabelValue(value: LabelValue): string {
  const s = String(value);
  let safe = checkedValues.get(s);
  if (safe === undefined) {
    safe = safeLabelValue(s);
    if (checkedValues.size < 10_000) checkedValues.set(s, safe);
  }
  return safe;
}

/** The state for these labels, created on first use, after the values are made safe. */
function seriesOf<S>(family: Family<S>, labels: LabelSet): S {
  let values = family.labelNames.map((name) => checkedLabelValue(labels[name] ?? OTHER));
  let key = values.join('\u0000');
  let entry = family.series.get(key);
  if (entry) return entry.state;
  if (family.series.size >= MAX_SERIES) {
    values = family.labelNames.map(() => OTHER);
    key = values.join('\u0000');
    entry = family.series.get(key);
    if (entry) return entry.state;
  }
  entry = { values, state: family.init() };
  family.series.set(key, entry);
  return entry.state;
}

interface Scalar {
  value: number;
}

function scalarFamily(name: MetricName, kind: Kind, labelNames: readonly string[]): Family<Scalar> {
  return {
    name,
    kind,
    labelNames,
    series: new Map(),
    init: () => ({ value: 0 }),
    lines: (values, state, out) => {
      out.push(`${name}${formatLabels(labelNames, values)} ${formatNumber(state.value)}`);
    },
  };
}

interface Buckets {
  /** Observations per bucket, not cumulative; the last slot is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

function histogramFamily(
  name: MetricName,
  labelNames: readonly string[],
  bounds: readonly number[],
): Family<Buckets> {
  return {
    name,
    kind: 'histogram',
    labelNames,
    series: new Map(),
    init: () => ({ counts: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 }),
    lines: (values, state, out) => {
      let cumulative = 0;
      for (let i = 0; i <= bounds.length; i++) {
        cumulative += state.counts[i] ?? 0;
        const le = i < bounds.length ? formatNumber(bounds[i] ?? 0) : '+Inf';
        out.push(`${name}_bucket${formatLabels(labelNames, values, ['le', le])} ${cumulative}`);
      }
      out.push(`${name}_sum${formatLabels(labelNames, values)} ${formatNumber(state.sum)}`);
      out.push(`${name}_count${formatLabels(labelNames, values)} ${state.count}`);
    },
  };
}

const validAmount = (n: number) => Number.isFinite(n) && n >= 0;

function counter<L extends LabelSet>(family: Family<Scalar>): Counter<L> {
  return {
    inc(labels, by = 1) {
      if (validAmount(by)) seriesOf(family, labels).value += by;
    },
  };
}

function plainCounter(family: Family<Scalar>): PlainCounter {
  seriesOf(family, {}); // an unlabelled counter is always exposed, starting at 0
  return {
    inc(by = 1) {
      if (validAmount(by)) seriesOf(family, {}).value += by;
    },
  };
}

function gauge<L extends LabelSet>(family: Family<Scalar>): Gauge<L> {
  return {
    inc(labels, by = 1) {
      if (Number.isFinite(by)) seriesOf(family, labels).value += by;
    },
    dec(labels, by = 1) {
      if (Number.isFinite(by)) seriesOf(family, labels).value -= by;
    },
    set(labels, value) {
      if (Number.isFinite(value)) seriesOf(family, labels).value = value;
    },
  };
}

function histogram<L extends LabelSet>(family: Family<Buckets>, bounds: readonly number[]): Histogram<L> {
  return {
    observe(labels, seconds) {
      if (!validAmount(seconds)) return;
      const state = seriesOf(family, labels);
      let i = 0;
      while (i < bounds.length && seconds > (bounds[i] ?? 0)) i++;
      state.counts[i] = (state.counts[i] ?? 0) + 1;
      state.sum += seconds;
      state.count += 1;
    },
  };
}

function renderFamily<S>(family: Family<S>, out: string[]): void {
  out.push(`# HELP ${family.name} ${escapeHelp(HELP[family.name])}`);
  out.push(`# TYPE ${family.name} ${family.kind}`);
  for (const { values, state } of family.series.values()) family.lines(values, state, out);
}

export function createMetrics(): Metrics {
  const f = {
    http: scalarFamily('byok_http_requests_total', 'counter', ['route', 'method', 'status']),
    chat: scalarFamily('byok_chat_requests_total', 'counter', ['provider', 'key_source', 'stream', 'status']),
    duration: histogramFamily('byok_upstream_duration_seconds', ['provider'], LATENCY_BUCKETS),
    ttfb: histogramFamily('byok_upstream_ttfb_seconds', ['provider'], LATENCY_BUCKETS),
    tokens: scalarFamily('byok_tokens_total', 'counter', ['provider', 'direction']),
    streams: scalarFamily('byok_streams_in_flight', 'gauge', ['provider']),
    limited: scalarFamily('byok_rate_limited_total', 'counter', []),
    decrypt: scalarFamily('byok_stored_key_decrypt_failures_total', 'counter', []),
  };
  return {
    httpRequests: counter(f.http),
    chatRequests: counter(f.chat),
    upstreamDuration: histogram(f.duration, LATENCY_BUCKETS),
    upstreamTtfb: histogram(f.ttfb, LATENCY_BUCKETS),
    tokens: counter(f.tokens),
    streamsInFlight: gauge(f.streams),
    rateLimited: plainCounter(f.limited),
    storedKeyDecryptFailures: plainCounter(f.decrypt),
    render() {
      const out: string[] = [];
      renderFamily(f.http, out);
      renderFamily(f.chat, out);
      renderFamily(f.duration, out);
      renderFamily(f.ttfb, out);
      renderFamily(f.tokens, out);
      renderFamily(f.streams, out);
      renderFamily(f.limited, out);
      renderFamily(f.decrypt, out);
      return `${out.join('\n')}\n`;
    },
  };
}
