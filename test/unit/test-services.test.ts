import { describe, expect, it } from 'vitest';
import { missingServices } from '../setup/services.js';

// Port 1 on the loopback refuses at once: a service that is down.
const DOWN_PG = 'postgres://postgres@127.0.0.1:1/test';
const DOWN_REDIS = 'redis://127.0.0.1:1';

describe('the check npm test runs before the suite', () => {
  it('is silent when PostgreSQL and Redis answer', async () => {
    expect(await missingServices()).toEqual([]);
  });

  it('names a PostgreSQL that is down, and how to start it, in one line', async () => {
    const problems = await missingServices(DOWN_PG);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PostgreSQL does not answer at 127\.0\.0\.1:1 .*start it.*\.ci\/run/);
    expect(problems[0]).not.toContain('\n');
    expect(problems[0]).not.toContain('ECONNREFUSED');
  });

  it('names a Redis that is down, and how to start it, in one line', async () => {
    const problems = await missingServices(undefined, DOWN_REDIS);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Redis does not answer at 127\.0\.0\.1:1 .*redis-server.*\.ci\/run/);
    expect(problems[0]).not.toContain('\n');
  });
});
