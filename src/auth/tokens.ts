import { sha256Hex, toBase64Url } from '../util/encoding.js';

/** Gateway access tokens: `gwt_` + 32 random bytes. 256 bits of entropy make a plain SHA-256 a safe verifier. */
export const TOKEN_PREFIX = 'gwt_';
const TOKEN_SHAPE = /^gwt_[A-Za-z0-9_-]{43}$/;

export function mintToken(): string {
  return TOKEN_PREFIX + toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export function looksLikeToken(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

export const hashToken = (token: string): Promise<string> => sha256Hex(token);

export function tokenPreview(token: string): string {
  return `${token.slice(0, 8)}…${token.slice(-4)}`;
}
