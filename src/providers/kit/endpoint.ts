/** What every upstream request shares: how its URL is joined and how the gateway introduces itself. */

export const USER_AGENT = 'byok-gateway';

/** `baseUrl` + `path`, without a doubled slash (config strips trailing slashes; direct callers may not). */
export function endpoint(baseUrl: string, path: string): string {
  return `${baseUrl.endsWith('/') ? baseUrl.replace(/\/+$/, '') : baseUrl}${path}`;
}
