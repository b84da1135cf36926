import { beforeAll, describe, expect, it } from 'vitest';
import { createVault, type Vault, VaultError } from '../../../src/vault/index.js';
import { bindingOf, orgOwner, userOwner } from '../../../src/vault/key-owner.js';

const PLAINTEXT = 'sk-proj-CANARY-owner-0123456789abcdefghijklmnop';
let vault: Vault;

beforeAll(async () => {
  vault = await createVault('key-owner-test-secret-5d1c7a3e9b0f2468');
});

describe('the owner in the vault binding', () => {
  it("a user's key keeps the binding users' rows were sealed with", async () => {
    const sealed = await vault.seal(PLAINTEXT, { userId: 'acme', keyId: 'k1', provider: 'openai' });
    await expect(vault.open(sealed, bindingOf(userOwner('acme'), 'k1', 'openai'))).resolves.toBe(PLAINTEXT);
  });

  it("an organisation's key opens only as that organisation's", async () => {
    const sealed = await vault.seal(PLAINTEXT, bindingOf(orgOwner('acme'), 'k1', 'openai'));
    await expect(vault.open(sealed, bindingOf(orgOwner('acme'), 'k1', 'openai'))).resolves.toBe(PLAINTEXT);
    // The same ids as a user's row (a user whose id equals the organisation's): refused.
    await expect(vault.open(sealed, bindingOf(userOwner('acme'), 'k1', 'openai'))).rejects.toBeInstanceOf(
      VaultError,
    );
    await expect(vault.open(sealed, bindingOf(orgOwner('acme2'), 'k1', 'openai'))).rejects.toBeInstanceOf(
      VaultError,
    );
  });

  it("a user's ciphertext moved into an organisation's row does not open", async () => {
    const sealed = await vault.seal(PLAINTEXT, bindingOf(userOwner('acme'), 'k1', 'openai'));
    await expect(vault.open(sealed, bindingOf(orgOwner('acme'), 'k1', 'openai'))).rejects.toBeInstanceOf(
      VaultError,
    );
  });
});
