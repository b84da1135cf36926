import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS_CATALOG } from '../../../src/chat/models-catalog.js';
import { readPriceFile } from '../../../src/node/price-file.js';
import { createPriceTable, parsePriceFile, priceTokens } from '../../../src/usage/price-table.js';
import bundled from '../../../src/usage/prices.json' with { type: 'json' };

describe('the price table', () => {
  it('has a dated, sourced entry for every model /v1/models lists', () => {
    const entries = bundled.models as Record<string, { date?: string; source?: string }>;
    for (const m of MODELS_CATALOG) {
      expect(entries[m.id], m.id).toBeDefined();
      expect(entries[m.id]?.date, m.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entries[m.id]?.source, m.id).toBeTruthy();
    }
  });

  it('finds a model however its provider spells it, and leaves unknown and price-less models unpriced', () => {
    const table = createPriceTable();
    expect(table.find(['anthropic/claude-sonnet-4.5'])).toEqual(table.find(['anthropic/claude-sonnet-4-5']));
    expect(table.find(['META-LLAMA/llama-3.3-70b-instruct'])).toBeDefined();
    expect(table.find(['openai/gpt-unreleased'])).toBeUndefined();
    expect(table.find(['openrouter/auto', 'openai/gpt-4o'])).toBeUndefined();
  });

  it('prices cached prompt tokens at the cached rate', () => {
    const price = { input: 2, output: 8, cachedInput: 0.5 };
    expect(priceTokens(price, { prompt: 1_000_000, cached: 400_000, completion: 500_000 })).toBeCloseTo(
      1.2 + 0.2 + 4,
      12,
    );
  });

  it('lets an operator file override and add models', () => {
    const table = createPriceTable(
      parsePriceFile({
        models: { 'openai/gpt-4o': { input: 1, output: 2 }, 'acme/model': { input: 3, output: 4 } },
      }),
    );
    expect(table.find(['openai/gpt-4o'])).toEqual({ input: 1, output: 2 });
    expect(table.find(['acme/model'])).toEqual({ input: 3, output: 4 });
    expect(table.find(['openai/gpt-4o-mini'])).toMatchObject({ input: 0.15 });
  });

  it('reads PRICES_FILE on Node and names what is wrong with a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'byok-prices-'));
    try {
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify({ models: { 'acme/x': { input: 1, output: 1 } } }));
      expect(readPriceFile(good)?.models['acme/x']).toMatchObject({ input: 1 });
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ models: { 'acme/x': { input: -1, output: 1 } } }));
      expect(() => readPriceFile(bad)).toThrow(/models\.acme\/x\.input/);
      expect(() => readPriceFile(join(dir, 'missing.json'))).toThrow(/PRICES_FILE/);
      expect(readPriceFile(undefined)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
