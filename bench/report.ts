/**
 * The bench's output: the table (per scenario and target: req/s, p50, p99, CPU µs/request, RSS,
 * ratio), the verdict against the goals of issues 6 and 17, and the same as JSON.
 */
import type { LoadResult } from './load.js';
import type { MachineInfo } from './proc-stats.js';
import type { Pinning } from './processes.js';
import { type Plan, type ScenarioResult, TARGETS, type TargetId } from './scenarios.js';

export interface Goal {
  id: string;
  label: string;
  /** The measured value, NaN when the scenario was skipped. */
  value: number;
  unit: '×' | 'ms' | 'KiB';
  limit: number;
  /** null: not measured (see `detail`). */
  pass: boolean | null;
  detail: string;
}

export interface BenchReport {
  machine: MachineInfo;
  pinning: Pinning;
  plan: Plan;
  scenarios: Record<string, ScenarioResult>;
  goals: Goal[];
}

const TARGET_LABEL: Record<TargetId, string> = {
  raw: 'raw proxy',
  honoMin: 'hono min',
  hono: 'hono+client',
  gateway: 'gateway',
};

function goal(
  id: string,
  label: string,
  value: number,
  unit: Goal['unit'],
  limit: number,
  detail: string,
  skipped?: string,
): Goal {
  if (skipped)
    return { id, label, value: Number.NaN, unit, limit, pass: null, detail: `skipped: ${skipped}` };
  return { id, label, value, unit, limit, pass: Number.isFinite(value) ? value <= limit : false, detail };
}

export function evaluateGoals(s: Record<string, ScenarioResult>): Goal[] {
  const f = (id: string, name: string) => s[id]?.figures[name] ?? Number.NaN;
  const vsHono = (id: string) =>
    `${f(id, 'cpuRatioVsHonoMin')}× the minimum hono floor, ${f(id, 'cpuRatioVsHono')}× hono + our client`;
  const allOpened = f('openStreams', 'gatewayOpened') === f('openStreams', 'streams');
  const memory = goal(
    'memoryPerStream',
    'memory per open idle stream',
    f('openStreams', 'gatewayPerStreamKiB'),
    'KiB',
    100,
    `${f('openStreams', 'gatewayOpened')}/${f('openStreams', 'streams')} opened${allOpened ? '' : ' (FAIL: not all opened)'}; raw proxy ${f('openStreams', 'rawPerStreamKiB')} KiB`,
  );
  if (!allOpened) memory.pass = false;
  return [
    goal(
      'nonStreamingCpu',
      'non-streaming CPU/request vs raw proxy',
      f('nonStreaming', 'cpuRatioVsRaw'),
      '×',
      2.0,
      vsHono('nonStreaming'),
    ),
    goal(
      'streamingCpu',
      'streaming pass-through CPU/request vs raw proxy',
      f('streaming', 'cpuRatioVsRaw'),
      '×',
      1.5,
      vsHono('streaming'),
    ),
    goal(
      'anthropicCpu',
      'Anthropic translated stream CPU/request vs raw streaming',
      f('anthropicStreaming', 'cpuRatioVsRaw'),
      '×',
      3.0,
      vsHono('anthropicStreaming'),
      s.anthropicStreaming?.skipped,
    ),
    goal(
      'p99Added',
      'p99 latency added at half of max throughput',
      f('halfLoadLatency', 'p99AddedMs'),
      'ms',
      1.0,
      `at ${f('halfLoadLatency', 'rate')} req/s; p50 added ${f('halfLoadLatency', 'p50AddedMs')} ms; p99 over the minimum hono floor ${f('halfLoadLatency', 'p99AddedVsHonoMinMs')} ms (that floor's own: ${f('halfLoadLatency', 'honoMinP99AddedMs')} ms over raw), over hono + client ${f('halfLoadLatency', 'p99AddedVsHonoMs')} ms`,
    ),
    memory,
  ];
}

const pad = (v: string, n: number) => v.padEnd(n);
const lpad = (v: string, n: number) => v.padStart(n);
const num = (v: number | undefined, digits = 1) =>
  v === undefined || !Number.isFinite(v)
    ? '—'
    : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function row(scenario: string, target: string, r: LoadResult, ratio: string): string {
  return [
    pad(scenario, 44),
    pad(target, 11),
    lpad(num(r.rps, 0), 9),
    lpad(num(r.latencyMs.p50, 2), 9),
    lpad(num(r.latencyMs.p99, 2), 9),
    lpad(num(r.cpuMicrosPerRequest, 1), 12),
    lpad(num(r.rssMiB, 0), 8),
    `  ${ratio}`,
  ].join(' ');
}

function ratioText(s: ScenarioResult, target: TargetId): string {
  const f = s.figures;
  if (target === 'raw') return s.runs.hono || s.runs.gateway ? '1.00×' : '';
  if (target === 'honoMin') return `${num(f.honoMinRatioVsRaw, 2)}×`;
  if (target === 'hono') return `${num(f.honoRatioVsRaw, 2)}×`;
  const vsRaw = f.cpuRatioVsRaw;
  if (vsRaw === undefined || !Number.isFinite(vsRaw)) return '';
  const floors = [
    f.cpuRatioVsHonoMin !== undefined ? `${num(f.cpuRatioVsHonoMin, 2)}× hono min` : '',
    f.cpuRatioVsHono !== undefined ? `${num(f.cpuRatioVsHono, 2)}× hono+client` : '',
  ].filter(Boolean);
  const extra = floors.length > 0 ? ` (${floors.join(', ')})` : '';
  const base = s.baseline && !s.baseline.startsWith(`${s.id}.`) ? ` vs ${s.baseline}` : '';
  return `${num(vsRaw, 2)}×${base}${extra}`;
}

export function formatTable(report: BenchReport): string {
  const lines: string[] = [];
  const { machine: m, pinning } = report;
  lines.push(
    `byok-gateway bench — ${m.date} — ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}`,
    `pinning: ${pinning.note}; ${report.plan.quick ? 'QUICK run' : 'full run'}: warm-up ${report.plan.warmupSeconds} s, ${report.plan.seconds} s per target, ${report.plan.connections} connections`,
    '',
    [
      pad('scenario', 44),
      pad('target', 11),
      lpad('req/s', 9),
      lpad('p50 ms', 9),
      lpad('p99 ms', 9),
      lpad('CPU µs/req', 12),
      lpad('RSS MiB', 8),
      '  CPU ratio vs raw proxy (vs the two hono floors)',
    ].join(' '),
    '-'.repeat(140),
  );
  for (const s of Object.values(report.scenarios)) {
    if (s.skipped) {
      lines.push(`${pad(s.title, 44)} skipped: ${s.skipped}`);
      continue;
    }
    let first = true;
    for (const target of TARGETS) {
      const r = s.runs[target];
      if (!r) continue;
      lines.push(row(first ? s.title : '', TARGET_LABEL[target], r, ratioText(s, target)));
      first = false;
    }
    if (s.id === 'halfLoadLatency') {
      lines.push(
        `${pad('', 44)} p99 added ${num(s.figures.p99AddedMs, 3)} ms (over hono min ${num(s.figures.p99AddedVsHonoMinMs, 3)} ms, over hono+client ${num(s.figures.p99AddedVsHonoMs, 3)} ms; hono min's own ${num(s.figures.honoMinP99AddedMs, 3)} ms), p50 added ${num(s.figures.p50AddedMs, 3)} ms`,
      );
    }
    for (const [target, o] of Object.entries(s.openStreams ?? {})) {
      lines.push(
        `${pad(first ? s.title : '', 44)} ${pad(TARGET_LABEL[target as TargetId], 11)} ${o.opened}/${o.requested} open (${o.upstreamOpen} at upstream), RSS ${num(o.idleRssKiB / 1024, 0)} → ${num(o.withStreamsRssKiB / 1024, 0)} MiB = ${num(o.perStreamKiB, 1)} KiB/open stream${o.opened < o.requested ? ` (${num(o.perRequestedKiB, 1)} KiB per stream asked for)` : ''}`,
      );
      first = false;
    }
  }
  lines.push('', 'Goals');
  for (const g of report.goals) {
    const verdict = g.pass === null ? 'SKIP' : g.pass ? 'PASS' : 'FAIL';
    const value =
      g.pass === null
        ? ''
        : `${num(g.value, g.unit === 'ms' ? 3 : g.unit === 'KiB' ? 1 : 2)}${g.unit === '×' ? '×' : ` ${g.unit}`}`;
    lines.push(
      `  ${verdict}  ${pad(g.label, 58)} ${lpad(value, 11)}   goal ≤ ${g.limit}${g.unit === '×' ? '×' : ` ${g.unit}`}   ${g.detail}`,
    );
  }
  return lines.join('\n');
}
