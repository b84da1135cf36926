import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import type { AuditActor } from './audit-log.js';

/** The connection's own peer address, as the entry knows it (Node: the socket; Workers: Cloudflare's header). */
export type RemoteAddress = (env: unknown, request: Request) => string | undefined;

/** An IPv4 or IPv6 address as text: digits, hex, dots and colons (and an IPv6 zone), nothing else. */
const IP_SHAPE = /^[0-9A-Fa-f.:]{2,45}(?:%[A-Za-z0-9]{1,16})?$/;
const sane = (ip: string | undefined) => (ip && IP_SHAPE.test(ip) ? ip : null);

/**
 * The client's IP. With TRUST_PROXY = n, the n-th X-Forwarded-For entry from the right: what the
 * nearest trusted proxy saw (entries further left are whatever the client wrote, so never believed).
 * Without (the default), the connection's own address: a client cannot choose it.
 */
export function clientIp(
  header: string | undefined,
  peer: string | undefined,
  trustProxy: number,
): string | null {
  if (trustProxy > 0 && header) {
    const hops = header.split(',').map((s) => s.trim());
    const chosen = hops[hops.length - trustProxy];
    // Fewer entries than trusted proxies: the leftmost is what the first proxy saw.
    return sane(chosen ?? hops[0]);
  }
  return sane(peer);
}

/** Printable ASCII, cut to 256 characters: a user agent is shown back, never interpreted. */
function userAgentOf(value: string | undefined): string | null {
  if (!value) return null;
  return value.replace(/[^\x20-\x7e]/g, '').slice(0, 256) || null;
}

/** Builds, from a request's context, who acted and from where: the actor of its audit events. */
export function auditActorOf(
  trustProxy: number,
  remoteAddress: RemoteAddress | undefined,
): (c: Context<AppEnv>, orgId?: string | null) => AuditActor {
  return (c, orgId = null) => {
    const caller = c.get('caller');
    return {
      userId: caller.userId,
      orgId,
      actor: caller.via,
      tokenId: caller.tokenId ?? null,
      requestId: c.get('requestId') ?? null,
      ip: clientIp(c.req.header('x-forwarded-for'), remoteAddress?.(c.env, c.req.raw), trustProxy),
      userAgent: userAgentOf(c.req.header('user-agent')),
    };
  };
}
