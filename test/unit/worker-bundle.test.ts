import { builtinModules } from 'node:module';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { CONSOLE_VERSION } from '../../src/console/assets.generated.js';
import { REPO_ROOT } from '../helpers/spawn-gateway.js';

/**
 * Nothing below the entries may import a Node module: the Workers entry is bundled the way a
 * Workers bundler resolves packages (workerd/worker/browser conditions, no Node platform), and any
 * import of a Node built-in, with or without `node:`, fails the build naming the importer.
 */
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

const rejectNodeBuiltins: Plugin = {
  name: 'reject-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      builtins.has(args.path) || args.path.startsWith('node:')
        ? { errors: [{ text: `${args.path} imported by ${args.importer || 'the entry'}` }] }
        : undefined,
    );
  },
};

async function bundleForWorkers(options: { entry?: string; stdin?: string }) {
  return build({
    ...(options.entry
      ? { entryPoints: [options.entry] }
      : { stdin: { contents: options.stdin ?? '', resolveDir: REPO_ROOT, loader: 'ts' } }),
    absWorkingDir: REPO_ROOT,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    logLevel: 'silent',
    plugins: [rejectNodeBuiltins],
  });
}

describe('the Workers bundle', () => {
  it('builds src/worker.ts without importing any Node module', async () => {
    const result = await bundleForWorkers({ entry: 'src/worker.ts' });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles?.[0]?.text).toContain('D1');
    // The key console is served from the bundle itself (no static-asset binding needed).
    expect(result.outputFiles?.[0]?.text.includes(`"${CONSOLE_VERSION}"`)).toBe(true);
  });

  it('fails, naming the importer, when a module below the entry imports node:fs', async () => {
    const failure = await bundleForWorkers({
      stdin: "import './src/worker.ts'; import { readFileSync } from 'node:fs'; export { readFileSync };",
    }).catch((err: { errors: { text: string }[] }) => err.errors.map((e) => e.text));
    expect(failure).toEqual(['node:fs imported by <stdin>']);
  });

  it('fails on a bare built-in name too (path rather than node:path)', async () => {
    const failure = await bundleForWorkers({ stdin: "export { join } from 'path';" }).catch(
      (err: { errors: { text: string }[] }) => err.errors.map((e) => e.text),
    );
    expect(failure).toEqual(['path imported by <stdin>']);
  });
});
