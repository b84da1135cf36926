import { connect } from 'node:net';
import pg from 'pg';

/**
 * The services `npm test` needs besides itself, checked once before any test file runs, so that a
 * stopped PostgreSQL or Redis is one sentence saying what to start instead of a wall of
 * ECONNREFUSED from every file that uses it.
 */
export const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const TIMEOUT_MS = 3_000;

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A raw PING: no client library, no retries, no reconnect noise. */
function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(TIMEOUT_MS, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** One line per service that does not answer, saying which and how to start it; empty when all do. */
export async function missingServices(pgUrl = PG_URL, redisUrl = REDIS_URL): Promise<string[]> {
  const [pgOk, redisOk] = await Promise.all([postgresAnswers(pgUrl), redisAnswers(redisUrl)]);
  const where = (url: string) => {
    const u = new URL(url);
    return `${u.hostname}:${u.port}`;
  };
  const problems: string[] = [];
  if (!pgOk) {
    problems.push(
      `PostgreSQL does not answer at ${where(pgUrl)} (TEST_PG_URL): start it (pg_ctlcluster <version> main start), or run \`bash .ci/run\`, which starts PostgreSQL and Redis and then runs the tests.`,
    );
  }
  if (!redisOk) {
    problems.push(
      `Redis does not answer at ${where(redisUrl)} (TEST_REDIS_URL): start it (redis-server --daemonize yes), or run \`bash .ci/run\`, which starts PostgreSQL and Redis and then runs the tests.`,
    );
  }
  return problems;
}
