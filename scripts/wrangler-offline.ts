/**
 * Environment for running wrangler locally without reaching the internet: no usage metrics, no
 * download of the `Request.cf` object (a placeholder is used), no update check in the banner.
 */
export const OFFLINE_WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
};
