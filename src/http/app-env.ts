import type { KeyRejection, KeyUse } from '../audit/chat-events.js';
import type { Caller } from '../auth/caller-type.js';

/** The one Hono environment type: what middleware puts on the context for later layers. */
export interface AppEnv {
  Variables: {
    requestId: string;
    caller: Caller;
    /** The key a chat request was served with, for its audit events (src/audit/chat-events.ts). */
    keyUse: KeyUse | undefined;
    /** Stored keys the provider refused during a chat request, for `key.rejected` audit rows. */
    keysRejected: KeyRejection[] | undefined;
  };
}
