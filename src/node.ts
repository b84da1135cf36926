import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { readEnvFile, withGeneratedSecrets } from './node/env-file.js';
import { startGateway } from './node/server.js';

/** The Node entry: read .env, make first-run secrets, validate config, serve, shut down cleanly. */
async function main(): Promise<void> {
  const envPath = resolve('.env');
  const merged = { ...readEnvFile(envPath), ...process.env };
  const { env, generated } = withGeneratedSecrets(merged, envPath);
  if (generated.length > 0) {
    console.warn(
      `byok-gateway: generated ${generated.join(' and ')} and saved to ${envPath}. Back up this file.`,
    );
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`byok-gateway cannot start.\n${err.message}\nSee .env.example for every variable.`);
      process.exit(1);
    }
    throw err;
  }
  const gateway = await startGateway(config);
  console.warn(`byok-gateway listening on ${gateway.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second signal (Ctrl-C twice) means now.
      console.warn(`byok-gateway: ${signal} again, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.warn(
      `byok-gateway: ${signal} received; finishing open requests (streams up to ${config.shutdownGraceMs} ms)`,
    );
    // Past the grace period, cut streams get a moment for their error event, then the rest is dropped.
    const force = setTimeout(() => {
      console.error('byok-gateway: could not stop in time, exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 15_000);
    force.unref();
    gateway.close().then(
      () => {
        console.warn('byok-gateway: stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`byok-gateway: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`byok-gateway failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
