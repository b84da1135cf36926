/**
 * Top functions by self time in a V8 CPU profile (`node --cpu-prof`), with file:line in the
 * TypeScript source, and the same time grouped by where the code lives (our src folders, each
 * npm package, node internals, GC).
 *
 *   npx tsx bench/profile-summary.ts bench/results/profiles/gateway-nonStreaming.cpuprofile [25] [fromUs toUs]
 *
 * tsx compiles each .ts file to a single minified line, so the profile's own positions are
 * useless: this script loads the same files through tsx with source maps on and maps every
 * position back. Entry files with side effects (src/node.ts, src/worker.ts) are not loaded; their
 * frames keep the compiled position, marked `(compiled)`.
 */
import { readFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatStages, type Stage, stageRows, stageTimes } from './profile-stages.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Cost {
  name: string;
  selfMs: number;
  /** Percent of busy time (everything but `(idle)`). */
  percent: number;
}
export interface FunctionCost extends Cost {
  location: string;
  group: string;
}
export interface ProfileSummary {
  file: string;
  /** Time covered by the counted samples (the window, or the whole profile). */
  wallMs: number;
  windowed: boolean;
  busyMs: number;
  top: FunctionCost[];
  groups: Cost[];
  /** Our own functions (src/) by total time, callees included: where the request's time goes. */
  ourTotals: FunctionCost[];
  /** Busy µs per stage of a request (bench/profile-stages.ts). */
  stages: Map<Stage, number>;
}

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const REPO_URL = pathToFileURL(REPO_ROOT).href;
const ENTRY_FILES = new Set(['src/node.ts', 'src/worker.ts']);

function groupOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? 'node_modules');
  }
  if (url.startsWith(REPO_URL)) {
    const path = url.slice(REPO_URL.length);
    const dir = path.split('/').slice(0, 2);
    return dir.length > 1 && path.startsWith('src/') ? `${dir.join('/')}/` : path;
  }
  return url;
}

const loaded = new Map<string, boolean>();

/** Loads a repo .ts module (with source maps on) so its map can be read; false if it cannot be. */
async function ensureMap(url: string): Promise<boolean> {
  if (!url.startsWith(REPO_URL) || !/\.[cm]?tsx?$/.test(url)) return false;
  if (ENTRY_FILES.has(url.slice(REPO_URL.length))) return false;
  if (!loaded.has(url)) {
    try {
      await import(url);
      loaded.set(url, findSourceMap(url) !== undefined);
    } catch {
      loaded.set(url, false);
    }
  }
  return loaded.get(url) ?? false;
}

async function locate(frame: CallFrame): Promise<string> {
  const { url, lineNumber, columnNumber } = frame;
  if (!url) return '';
  const shown = url.startsWith(REPO_URL)
    ? url.slice(REPO_URL.length)
    : url.includes('/node_modules/')
      ? url.slice(url.lastIndexOf('/node_modules/') + 1)
      : url;
  if (await ensureMap(url)) {
    const entry = findSourceMap(url)?.findEntry(lineNumber, columnNumber);
    if (entry && 'originalLine' in entry) {
      const source = entry.originalSource.startsWith(REPO_URL)
        ? entry.originalSource.slice(REPO_URL.length)
        : relative(REPO_ROOT, entry.originalSource);
      return `${source}:${entry.originalLine + 1}`;
    }
  }
  const compiled = /\.[cm]?tsx?$/.test(url) ? ' (compiled)' : '';
  return `${shown}:${lineNumber + 1}:${columnNumber + 1}${compiled}`;
}

/**
 * `window`: only samples taken between these two instants, in µs of the monotonic clock that V8
 * stamps profiles with (the same as `process.hrtime` in any process of this machine), e.g. the
 * measured part of a bench run, without start-up and warm-up.
 */
const keyOf = (f: CallFrame) => `${f.functionName}|${f.url}|${f.lineNumber}|${f.columnNumber}`;

/** Inclusive time per src/ function; a function met again below itself is not counted twice. */
function ourInclusiveTimes(nodes: ProfileNode[], selfUs: Map<number, number>) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const childIds = new Set(nodes.flatMap((n) => n.children ?? []));
  const roots = nodes.filter((n) => !childIds.has(n.id)).map((n) => n.id);
  const order: number[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    order.push(id);
    stack.push(...(byId.get(id)?.children ?? []));
  }
  const total = new Map<number, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i]!;
    let t = selfUs.get(id) ?? 0;
    for (const c of byId.get(id)?.children ?? []) t += total.get(c) ?? 0;
    total.set(id, t);
  }
  const out = new Map<string, { frame: CallFrame; us: number }>();
  const onPath = new Map<string, number>();
  const visit = (id: number) => {
    const node = byId.get(id);
    if (!node) return;
    const ours = node.callFrame.url.startsWith(`${REPO_URL}src/`);
    const key = keyOf(node.callFrame);
    if (ours) {
      if (!onPath.get(key)) {
        const t = out.get(key) ?? { frame: node.callFrame, us: 0 };
        t.us += total.get(id) ?? 0;
        out.set(key, t);
      }
      onPath.set(key, (onPath.get(key) ?? 0) + 1);
    }
    for (const c of node.children ?? []) visit(c);
    if (ours) onPath.set(key, (onPath.get(key) ?? 1) - 1);
  };
  for (const r of roots) visit(r);
  return [...out.values()];
}

export async function summarizeProfile(
  file: string,
  top = 25,
  window?: { fromUs: number; toUs: number },
): Promise<ProfileSummary> {
  process.setSourceMapsEnabled(true);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  const stamps: number[] = [];
  let stamp = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    stamp += timeDeltas[i] ?? 0;
    stamps.push(stamp);
  }
  for (let i = 0; i < samples.length; i++) {
    const at = stamps[i]!;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    // A sample lasts until the next one; the last until the profile ends.
    const dt = (i + 1 < samples.length ? stamps[i + 1]! : profile.endTime) - at;
    const id = samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  }

  const fnTotals = new Map<string, { frame: CallFrame; us: number }>();
  const groupTotals = new Map<string, number>();
  let idleUs = 0;
  let allUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    allUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const key = keyOf(frame);
    const t = fnTotals.get(key) ?? { frame, us: 0 };
    t.us += us;
    fnTotals.set(key, t);
    const g = groupOf(frame);
    groupTotals.set(g, (groupTotals.get(g) ?? 0) + us);
  }
  const busyUs = allUs - idleUs;
  const pct = (us: number) => Math.round((us / Math.max(1, busyUs)) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;

  const costs = async (list: { frame: CallFrame; us: number }[], n: number) => {
    const out: FunctionCost[] = [];
    for (const { frame, us } of list.sort((a, b) => b.us - a.us).slice(0, n)) {
      out.push({
        name: frame.functionName || '(anonymous)',
        location: await locate(frame),
        group: groupOf(frame),
        selfMs: ms(us),
        percent: pct(us),
      });
    }
    return out;
  };
  const out = await costs([...fnTotals.values()], top);
  const ourTotals = await costs(ourInclusiveTimes(profile.nodes, selfUs), 15);
  const groups = [...groupTotals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([name, us]) => ({ name, selfMs: ms(us), percent: pct(us) }));
  return {
    file,
    wallMs: ms(allUs),
    windowed: window !== undefined,
    busyMs: ms(busyUs),
    top: out,
    groups,
    ourTotals,
    stages: stageTimes(profile.nodes, selfUs, `${REPO_URL}src/`),
  };
}

/** `requests`: how many the profiled window served, for the per-request stage table (0: unknown). */
export function formatSummary(s: ProfileSummary, requests = 0): string {
  const lines = [
    `${relative(REPO_ROOT, s.file)}: ${s.busyMs} ms busy of ${s.wallMs} ms ${s.windowed ? 'measured (start-up and warm-up left out)' : 'profiled'}`,
    `  self ms   busy %  function                                   location`,
  ];
  for (const f of s.top) {
    lines.push(
      `  ${f.selfMs.toFixed(1).padStart(7)}  ${f.percent.toFixed(1).padStart(6)}%  ${f.name.slice(0, 42).padEnd(42)} ${f.location}`,
    );
  }
  lines.push('  self time by where the code lives:');
  for (const g of s.groups) {
    lines.push(`  ${g.selfMs.toFixed(1).padStart(7)}  ${g.percent.toFixed(1).padStart(6)}%  ${g.name}`);
  }
  lines.push('  our functions (src/) by total time, callees included:');
  for (const f of s.ourTotals) {
    lines.push(
      `  ${f.selfMs.toFixed(1).padStart(7)}  ${f.percent.toFixed(1).padStart(6)}%  ${f.name.slice(0, 42).padEnd(42)} ${f.location}`,
    );
  }
  lines.push(formatStages(stageRows(s.stages, requests), requests));
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, top, fromUs, toUs] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top=25] [fromUs toUs]');
    process.exit(2);
  }
  const window = fromUs && toUs ? { fromUs: Number(fromUs), toUs: Number(toUs) } : undefined;
  summarizeProfile(file, Number(top ?? 25), window).then(
    (s) => {
      console.log(formatSummary(s));
      // Loading the gateway's modules may leave handles open; this is a one-shot report.
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
