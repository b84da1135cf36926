// The vault's door: the rest of the gateway imports only this surface, never cipher.ts or kdf.ts.

export { type AeadEngine, webCryptoAead } from './cipher.js';
export { createVault, type KeyBinding, type Vault, VaultError } from './vault.js';
