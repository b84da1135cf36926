import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/ops/logger.js';

describe('createLogger', () => {
  it('says which levels it writes, and writes only those', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', (l) => lines.push(l));
    expect(['debug', 'info', 'warn', 'error'].map((l) => logger.enabled(l as 'info'))).toEqual([
      false,
      false,
      true,
      true,
    ]);
    logger.info('dropped');
    logger.warn('kept', { n: 1 });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { level: 'warn', time: expect.any(String), msg: 'kept', n: 1 },
    ]);
    expect(createLogger('debug', () => {}).enabled('debug')).toBe(true);
  });

  it('redacts fields whose names say they may hold a secret', () => {
    const lines: string[] = [];
    createLogger('info', (l) => lines.push(l)).info('x', {
      apiKey: 'sk-1',
      authorization: 'Bearer t',
      ok: 'y',
    });
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      apiKey: '[REDACTED]',
      authorization: '[REDACTED]',
      ok: 'y',
    });
  });
});
