import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { readEnvFile, withGeneratedSecrets } from '../src/node/env-file.js';
import { OFFLINE_WRANGLER_ENV } from './wrangler-offline.js';

/**
 * `npm run dev:worker`: the Worker under `wrangler dev` (workerd and a local D1), offline. The first
 * run generates the secrets into `.dev.vars` (git-ignored), as `npm start` does into `.env`; every
 * run applies the D1 migrations to the local database first. Extra arguments go to `wrangler dev`.
 */
const devVars = resolve('.dev.vars');
const { generated } = withGeneratedSecrets(readEnvFile(devVars), devVars);
if (generated.length > 0)
  console.warn(`dev:worker: generated ${generated.join(' and ')} into ${devVars}. Back up this file.`);

const env = { ...process.env, ...OFFLINE_WRANGLER_ENV };
const wrangler = (args: string[]) =>
  new Promise<number>((done) => {
    const child = spawn('wrangler', args, { stdio: 'inherit', env });
    // Ctrl-C reaches wrangler through the terminal's process group; a TERM sent to this script alone is passed on.
    const stop = () => child.kill('SIGTERM');
    process.once('SIGTERM', stop);
    child.on('exit', (code, signal) => {
      process.off('SIGTERM', stop);
      done(code ?? (signal ? 128 + 15 : 1));
    });
  });

const migrated = await wrangler(['d1', 'migrations', 'apply', 'byok-gateway', '--local']);
if (migrated !== 0) process.exit(migrated);
process.exit(await wrangler(['dev', ...process.argv.slice(2)]));
