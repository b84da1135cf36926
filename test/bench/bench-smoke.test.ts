import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIO_IDS } from '../../bench/scenarios.js';
import { REPO_ROOT } from '../helpers/spawn-gateway.js';

/**
 * `npm run bench` in quick mode, end to end, as a child process. Only that it runs and reports
 * every scenario with numbers: no timing thresholds here (the bench's own verdict holds those).
 */
const SKIPS_ALLOWED = [/^no native Anthropic adapter$/, /^PostgreSQL not reachable/];

function runQuickBench(resultsDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'bench/run.ts'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, BENCH_QUICK: '1', BENCH_RESULTS_DIR: resultsDir, BENCH_STRICT: '' },
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

describe('npm run bench (BENCH_QUICK=1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'byok-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs end to end and writes every scenario with numeric figures', { timeout: 150_000 }, async () => {
    const { code, output } = await runQuickBench(dir);
    expect(code, output).toBe(0);
    expect(output).toContain('Goals');
    expect(existsSync(join(dir, 'latency.svg'))).toBe(true);

    const report = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'));
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(typeof report.machine.node).toBe('string');
    expect(Object.keys(report.scenarios).sort()).toEqual([...SCENARIO_IDS].sort());

    for (const id of SCENARIO_IDS) {
      const s = report.scenarios[id];
      if (s.skipped !== undefined) {
        expect(
          SKIPS_ALLOWED.some((re) => re.test(s.skipped)),
          `${id} skipped: ${s.skipped}`,
        ).toBe(true);
        continue;
      }
      for (const [name, value] of Object.entries(s.figures))
        expect(isNumber(value), `${id}.${name}`).toBe(true);
      const runs = Object.entries(s.runs) as [string, Record<string, unknown>][];
      if (id !== 'openStreams') expect(runs.length, id).toBeGreaterThan(0);
      for (const [target, r] of runs) {
        for (const field of ['rps', 'cpuMicrosPerRequest', 'rssMiB', 'requests']) {
          expect(isNumber(r[field]), `${id}.${target}.${field}`).toBe(true);
        }
        for (const [p, v] of Object.entries(r.latencyMs as Record<string, unknown>)) {
          expect(isNumber(v), `${id}.${target}.${p}`).toBe(true);
        }
      }
    }
    for (const s of ['nonStreaming', 'streaming']) expect(report.scenarios[s].skipped).toBeUndefined();
    expect(report.goals).toHaveLength(5);
    for (const g of report.goals) expect(g.pass === null || isNumber(g.value), g.id).toBe(true);
  });
});
