import type { Caller } from '../auth/caller-type.js';

/** The one Hono environment type: what middleware puts on the context for later layers. */
export interface AppEnv {
  Variables: {
    requestId: string;
    caller: Caller;
  };
}
