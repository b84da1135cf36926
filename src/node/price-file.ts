import { readFileSync } from 'node:fs';
import { type PriceFile, parsePriceFile } from '../usage/price-table.js';

/** PRICES_FILE: the operator's prices (same shape as src/usage/prices.json), checked at start-up. */
export function readPriceFile(path: string | undefined): PriceFile | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`PRICES_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`PRICES_FILE: ${path} is not valid JSON`);
  }
  return parsePriceFile(json);
}
