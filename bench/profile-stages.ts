/**
 * A CPU profile's busy time split by the stage of a chat request it was spent in: auth, body read
 * and validation, routing and key choice, decryption, spend guard, request building, the upstream
 * call, response handling, telemetry, logging, and what the stack itself does (Hono, the Node
 * adapter, node:http and streams, GC).
 *
 * Each sample goes to the innermost frame on its stack that names a stage: a file of ours that
 * belongs to one (helpers shared by several stages, such as `usage/estimate.ts` or `errors.ts`,
 * are looked through to their caller), else, when no code of ours is on the stack (socket
 * callbacks, the router, GC), the package the sampled function lives in. An async function's
 * continuation after an `await` runs with that function on the stack, so its work stays in its
 * stage; what a resolved promise wakes up in the framework is the framework's.
 */

export interface StageFrame {
  functionName: string;
  url: string;
}

export const STAGES = [
  'auth',
  'body read + validation',
  'routing + key choice',
  'decryption',
  'spend guard (policy, budget)',
  'request building',
  'upstream call (undici)',
  'response handling',
  'telemetry (metrics, usage rows)',
  'logging',
  'other middleware (request id, headers, rate limit, errors)',
  'chat route handler',
  'Hono (router, context, compose)',
  '@hono/node-server adapter',
  'node:http, streams, sockets',
  'database driver (async)',
  'GC',
  'V8, native, other',
] as const;
export type Stage = (typeof STAGES)[number];

/** File (under src/) → stage; `null`: a shared helper, looked through to its caller. */
const FILE_STAGES: [RegExp, Stage | null][] = [
  [/^auth\//, 'auth'],
  [/^http\/(read-json|json-depth|validate)\.ts$/, 'body read + validation'],
  [/^chat\/(schema|chat-body)\.ts$/, 'body read + validation'],
  [/^chat\/(route-model|pick-key|key-attempts?|key-candidates|key-sources)\.ts$/, 'routing + key choice'],
  [/^vault\/(key-row-cache|keys-repo|sealed-keys|key-health)\.ts$/, 'routing + key choice'],
  [/^vault\/(vault|cipher|kdf|index)\.ts$/, 'decryption'],
  [/^node\/node-aead\.ts$/, 'decryption'],
  [/^chat\/(spend-guard|system-key-policy)\.ts$/, 'spend guard (policy, budget)'],
  [/^usage\/(budgets|price-table)\.ts$/, 'spend guard (policy, budget)'],
  [
    /^providers\/[^/]+\/(build-request|request-params|params|messages|content|tools|convert)[^/]*\.ts$/,
    'request building',
  ],
  [/^providers\/shared\/(endpoint|data-url)\.ts$/, 'request building'],
  [/^node\/undici-upstream\.ts$/, 'upstream call (undici)'],
  [/^providers\/fetch-upstream\.ts$/, 'upstream call (undici)'],
  [/^providers\//, 'response handling'],
  [/^chat\/(client-stream|upstream-headers)\.ts$/, 'response handling'],
  [/^chat\/(call-observer|telemetry)\.ts$/, 'telemetry (metrics, usage rows)'],
  [/^usage\/estimate\.ts$/, null],
  [/^usage\//, 'telemetry (metrics, usage rows)'],
  [/^ops\/metrics[^/]*\.ts$/, 'telemetry (metrics, usage rows)'],
  [/^ops\/logger\.ts$/, 'logging'],
  [/^http\/access-log\.ts$/, 'logging'],
  [/^http\//, 'other middleware (request id, headers, rate limit, errors)'],
  [/^limits\//, 'other middleware (request id, headers, rate limit, errors)'],
  [/^app\.ts$/, 'other middleware (request id, headers, rate limit, errors)'],
  [/^chat\/routes\.ts$/, 'chat route handler'],
];

/** forward.ts holds both the call (set-up, timers, abort wiring) and reading its answer. */
function forwardStage(functionName: string): Stage {
  return /readText/.test(functionName) ? 'response handling' : 'upstream call (undici)';
}

/** The stage a frame names, `null` when it names none (look at its caller). */
function frameStage(frame: StageFrame, srcUrl: string): Stage | null {
  const { url, functionName } = frame;
  if (!url.startsWith(srcUrl)) return null;
  const file = url.slice(srcUrl.length);
  if (file === 'chat/forward.ts') return forwardStage(functionName);
  for (const [re, stage] of FILE_STAGES) if (re.test(file)) return stage;
  return null;
}

/** When no frame of ours names a stage: by where the sampled function itself lives. */
function leafStage(frame: StageFrame): Stage {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (!url) return 'V8, native, other';
  if (url.startsWith('node:')) return 'node:http, streams, sockets';
  if (url.includes('/node_modules/undici/')) return 'upstream call (undici)';
  if (url.includes('/node_modules/@hono/node-server/')) return '@hono/node-server adapter';
  if (url.includes('/node_modules/hono/')) return 'Hono (router, context, compose)';
  if (/\/node_modules\/(kysely|better-sqlite3|pg|pg-[a-z]+)\//.test(url)) return 'database driver (async)';
  return 'V8, native, other';
}

export interface StageNode {
  id: number;
  callFrame: StageFrame;
  children?: number[];
}

/**
 * Self time per stage (µs), from the profile's nodes and the self time of each sampled node.
 * `(idle)` and `(program)`'s idle share are not counted: pass self times without `(idle)`.
 */
export function stageTimes(nodes: StageNode[], selfUs: Map<number, number>, srcUrl: string) {
  const parent = new Map<number, number>();
  const byId = new Map<number, StageNode>();
  for (const n of nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const memo = new Map<number, Stage | null>();
  /** The innermost stage-naming frame at or above a node, or null when there is none. */
  const named = (id: number): Stage | null => {
    const path: number[] = [];
    let found: Stage | null = null;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const known = memo.get(at);
      if (known !== undefined) {
        found = known;
        break;
      }
      path.push(at);
      const node = byId.get(at);
      const stage = node ? frameStage(node.callFrame, srcUrl) : null;
      if (stage) {
        found = stage;
        break;
      }
    }
    for (const p of path) memo.set(p, found);
    return found;
  };
  const out = new Map<Stage, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const stage = named(id) ?? leafStage(node.callFrame);
    out.set(stage, (out.get(stage) ?? 0) + us);
  }
  return out;
}

export interface StageRow {
  stage: Stage;
  /** µs per request (profiled, so higher than an unprofiled run). */
  usPerRequest: number;
  percent: number;
}

export function stageRows(times: Map<Stage, number>, requests: number): StageRow[] {
  requests = Math.max(1, requests);
  let busy = 0;
  for (const us of times.values()) busy += us;
  return STAGES.filter((s) => (times.get(s) ?? 0) > 0).map((stage) => {
    const us = times.get(stage) ?? 0;
    return {
      stage,
      usPerRequest: Math.round((us / requests) * 10) / 10,
      percent: Math.round((us / Math.max(1, busy)) * 1000) / 10,
    };
  });
}

/** `requests` 0 (unknown): the figures are µs in all, not per request. */
export function formatStages(rows: StageRow[], requests: number): string {
  const total = rows.reduce((a, r) => a + r.usPerRequest, 0);
  const lines = [
    requests > 0
      ? `  CPU per request by stage (${requests} requests; profiled µs, profiler overhead included):`
      : '  CPU by stage (µs in all; the number of requests is not known here):',
    `  ${(requests > 0 ? 'µs/req' : 'µs').padStart(8)}  ${'share'.padStart(6)}  stage`,
  ];
  for (const r of rows) {
    lines.push(
      `  ${r.usPerRequest.toFixed(1).padStart(8)}  ${r.percent.toFixed(1).padStart(5)}%  ${r.stage}`,
    );
  }
  lines.push(`  ${total.toFixed(1).padStart(8)}  100.0%  total`);
  return lines.join('\n');
}
