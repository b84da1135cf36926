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

  const stop = (signal: string) => {
    console.warn(`byok-gateway: ${signal} received, shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`byok-gateway failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
