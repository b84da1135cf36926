import { describe, expect, it } from 'vitest';
import { unavailableCause } from '../../../src/store/database-guard.js';

describe('which database errors mean "unavailable"', () => {
  it('names network failures, PostgreSQL connection states and SQLite lock/IO failures by their code', () => {
    expect(unavailableCause(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(
      'ECONNREFUSED',
    );
    expect(
      unavailableCause({ code: '57P01', message: 'terminating connection due to administrator command' }),
    ).toBe('57P01');
    expect(unavailableCause({ code: '08006' })).toBe('08006');
    expect(unavailableCause({ code: 'SQLITE_BUSY' })).toBe('SQLITE_BUSY');
  });

  it('names pg-pool timeouts and dropped connections by what happened', () => {
    expect(unavailableCause(new Error('timeout exceeded when trying to connect'))).toBe('connect timeout');
    expect(unavailableCause(new Error('Query read timeout'))).toBe('query timeout');
    expect(unavailableCause(new Error('Connection terminated unexpectedly'))).toBe('connection terminated');
  });

  it('leaves every other error alone: constraints, syntax, anything unknown', () => {
    expect(unavailableCause({ code: '23505', message: 'duplicate key value' })).toBeUndefined();
    expect(unavailableCause({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBeUndefined();
    expect(unavailableCause(new Error('syntax error at or near "SELEC"'))).toBeUndefined();
    expect(unavailableCause('a string')).toBeUndefined();
  });
});
