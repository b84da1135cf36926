import { badRequest } from '../errors.js';
import { fromBase64Url, toBase64Url, utf8Encode } from '../util/encoding.js';

/**
 * The audit log's page cursor: `<last id>.<MAC>`, where the MAC is an HMAC-SHA256 (cut to 128
 * bits) of the log it pages (`user:<id>` or `org:<id>`) and the id, under a key derived from
 * API_KEY_ENCRYPTION_SECRET. A cursor edited by hand, or made for another user's log, fails the
 * check and is a 400: it can never select rows, and the query is scoped to the caller anyway.
 */
export interface CursorCodec {
  encode(log: string, lastId: string): Promise<string>;
  /** The id to continue after; throws 400 invalid_cursor for anything this codec did not make for `log`. */
  decode(log: string, cursor: string): Promise<string>;
}

const DOMAIN = 'byok-gateway/audit-cursor/v1';
const MAC_BYTES = 16;
const ID_SHAPE = /^[0-9a-f]{26}$/;

const invalid = () =>
  badRequest('invalid_cursor', 'cursor: not a cursor this gateway issued for your log', 'cursor');

export function createCursorCodec(secret: string): CursorCodec {
  const key = (async () => {
    const master = await crypto.subtle.importKey(
      'raw',
      utf8Encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const raw = await crypto.subtle.sign('HMAC', master, utf8Encode(DOMAIN));
    return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  })();
  // Length-prefixed, so no log name and id can be shifted into another pair.
  const message = (log: string, id: string) => utf8Encode(`${log.length}:${log}|${id}`);
  const mac = async (log: string, id: string) =>
    new Uint8Array(await crypto.subtle.sign('HMAC', await key, message(log, id))).subarray(0, MAC_BYTES);

  return {
    async encode(log, lastId) {
      return `${lastId}.${toBase64Url(await mac(log, lastId))}`;
    },
    async decode(log, cursor) {
      const [id, tag, extra] = cursor.split('.');
      if (extra !== undefined || !id || !tag || !ID_SHAPE.test(id)) throw invalid();
      let given: Uint8Array;
      try {
        given = fromBase64Url(tag);
      } catch {
        throw invalid();
      }
      const expected = await mac(log, id);
      if (given.length !== expected.length) throw invalid();
      // Compared in full whatever differs first, so timing says nothing about the right MAC.
      let diff = 0;
      for (let i = 0; i < expected.length; i++) diff |= (given[i] as number) ^ (expected[i] as number);
      if (diff !== 0) throw invalid();
      return id;
    },
  };
}
