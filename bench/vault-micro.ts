/**
 * Micro-benchmark of the vault: what start-up pays (PBKDF2 key derivation, once per process)
 * and what one request pays (open) or one key save pays (seal).
 * Run: npx tsx bench/vault-micro.ts
 */
import { createNodeAead } from '../src/node/node-aead.js';
import { type AeadEngine, createVault, type KeyBinding, webCryptoAead } from '../src/vault/index.js';

const DERIVE_RUNS = 5;
const OPS = 5_000;
const WARMUP = 500;

const secret = 'bench-secret-7c1e9a4f0d3b6a2e8f5c1d9b7a3e6f02';
const previous = 'bench-previous-2f8a6d1c9e0b4735a1c8e2d6f9b0';
const binding: KeyBinding = { userId: 'user-bench', keyId: 'key-bench', provider: 'openai' };
const plaintext = `sk-proj-${'x'.repeat(156)}`; // about the length of a real OpenAI project key

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function main(): Promise<void> {
  let total = 0;
  for (let i = 0; i < DERIVE_RUNS; i++) total += await timeMs(() => createVault(secret));
  const deriveOne = total / DERIVE_RUNS;

  total = 0;
  for (let i = 0; i < DERIVE_RUNS; i++) total += await timeMs(() => createVault(secret, [previous]));
  const deriveTwo = total / DERIVE_RUNS;

  console.log(`node ${process.version}, plaintext ${plaintext.length} chars`);
  console.log(`createVault (1 secret, PBKDF2 100k):   ${deriveOne.toFixed(1)} ms  (mean of ${DERIVE_RUNS})`);
  console.log(`createVault (current + 1 previous):    ${deriveTwo.toFixed(1)} ms  (mean of ${DERIVE_RUNS})`);
  const engines: [string, AeadEngine][] = [
    ['WebCrypto (Workers, default)', webCryptoAead],
    ['node:crypto (the Node entry)', createNodeAead()],
  ];
  for (const [name, engine] of engines) {
    const vault = await createVault(secret, [], engine);
    for (let i = 0; i < WARMUP; i++) await vault.open(await vault.seal(plaintext, binding), binding);
    // Sequential on purpose: this is the per-operation cost, not the throughput under concurrency.
    const sealed: string[] = new Array(OPS);
    const sealMs = await timeMs(async () => {
      for (let i = 0; i < OPS; i++) sealed[i] = await vault.seal(plaintext, binding);
    });
    const openMs = await timeMs(async () => {
      for (let i = 0; i < OPS; i++) await vault.open(sealed[i]!, binding);
    });
    const perOp = (ms: number) => ((ms * 1000) / OPS).toFixed(1);
    console.log(`${name}: seal ${perOp(sealMs)} µs/op, open ${perOp(openMs)} µs/op  (${OPS} ops each)`);
  }
}

await main();
