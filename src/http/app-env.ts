import type { Caller } from '../auth/caller.js';

/** The one Hono environment type: what middleware puts on the context for later layers. */
export interface AppEnv {
  Variables: {
    requestId: string;
    caller: Caller;
    /** Set by the chat route once a key is chosen; becomes x-gateway-provider / x-gateway-key-source. */
    gateway: { provider: string; keySource: 'user' | 'system' };
  };
}
