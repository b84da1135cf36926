/**
 * The credential lives in sessionStorage only: it survives a reload of this tab, never reaches
 * another tab, disk-backed localStorage or a cookie (so no CSRF), and ends with the tab.
 */
const STORAGE_KEY = 'byok-console-credential';

export function credential(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function saveCredential(value: string): void {
  sessionStorage.setItem(STORAGE_KEY, value);
}

export function forgetCredential(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export interface CredentialInfo {
  kind: 'jwt' | 'token';
  /** What the header shows: the JWT's subject, or the token's preview. */
  label: string;
  expiresAt: Date | null;
}

/** Reads a JWT's claims for display only: the gateway verifies it, the page trusts nothing from it. */
function jwtClaims(jwt: string): { sub?: unknown; exp?: unknown } {
  try {
    const payload = jwt.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims: unknown = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))),
    );
    return typeof claims === 'object' && claims !== null ? claims : {};
  } catch {
    return {};
  }
}

export function describeCredential(value: string): CredentialInfo {
  if (value.startsWith('gwt_'))
    return { kind: 'token', label: `gateway token ${value.slice(0, 8)}…${value.slice(-4)}`, expiresAt: null };
  const { sub, exp } = jwtClaims(value);
  return {
    kind: 'jwt',
    label: typeof sub === 'string' ? sub : 'JWT',
    expiresAt: typeof exp === 'number' ? new Date(exp * 1000) : null,
  };
}
