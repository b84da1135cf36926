import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The members of the ErrorCode union, read from its source (a type has no runtime value). */
function errorCodes(): string[] {
  const source = readFileSync('src/errors.ts', 'utf8');
  const start = source.indexOf('export type ErrorCode');
  const union = source.slice(start, source.indexOf(';', start));
  return [...union.matchAll(/\| '([a-z0-9_]+)'/g)].map((m) => m[1] ?? '');
}

describe('the error vocabulary', () => {
  it('is listed code by code in the README', () => {
    const readme = readFileSync('README.md', 'utf8');
    const codes = errorCodes();
    expect(codes.length).toBeGreaterThan(50);
    expect(codes.filter((code) => !readme.includes(`\`${code}\``))).toEqual([]);
  });

  it('names each code once', () => {
    const codes = errorCodes();
    expect(codes.filter((code, i) => codes.indexOf(code) !== i)).toEqual([]);
  });
});
