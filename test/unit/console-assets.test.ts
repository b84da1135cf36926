import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consoleModuleSource, GENERATED_PATH } from '../../scripts/build-console.js';

/** The console is served from a committed, generated module; it must be what its sources build to today. */
describe('src/console/assets.generated.ts', () => {
  it('matches its sources (after changing src/console/, run npm run build:console)', async () => {
    const fresh = await consoleModuleSource();
    const committed = readFileSync(GENERATED_PATH, 'utf8');
    expect(committed === fresh, 'src/console/assets.generated.ts is stale: run npm run build:console').toBe(
      true,
    );
  });
});
