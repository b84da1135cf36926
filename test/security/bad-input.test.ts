import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';

/**
 * Mass assignment and malformed input on every route that takes a body (read from the app itself:
 * a new write route without an entry in WRITES fails the first test). Each attempt is a 400 in
 * OpenAI's shape; afterwards nothing was stored, nothing reached a provider, and the keys stored
 * before still work.
 */
interface Write {
  valid: () => Record<string, unknown>;
  /** Unknown fields are refused (management API); chat passes them on to the provider by design. */
  strict: boolean;
  /** Fields that accept null. */
  nullable: string[];
  /** Fields that are names or identifiers (NUL bytes, 1 MB values). */
  textFields: string[];
  /** Numeric fields (another number is no wrong type for them). */
  numbers?: string[];
}

const WRITES: Record<string, Write> = {
  'POST /api/user/api-keys': {
    valid: () => ({
      provider: 'openai',
      apiKey: fakeKey('openai'),
      keyName: 'k',
      exclusive: false,
      expiresAt: '2099-01-01T00:00:00Z',
      verify: false,
    }),
    strict: true,
    nullable: ['keyName', 'expiresAt'],
    textFields: ['provider', 'apiKey', 'keyName', 'expiresAt'],
  },
  'PATCH /api/user/api-keys/:keyId': {
    valid: () => ({
      keyName: 'renamed',
      isActive: true,
      exclusive: true,
      expiresAt: '2099-01-01T00:00:00Z',
    }),
    strict: true,
    nullable: ['keyName', 'expiresAt'],
    textFields: ['keyName', 'expiresAt'],
  },
  'PUT /api/user/api-keys/:keyId': {
    valid: () => ({ apiKey: fakeKey('openai'), verify: false }),
    strict: true,
    nullable: [],
    textFields: ['apiKey'],
  },
  // Takes no body (or `{}`): anything else is refused.
  'POST /api/user/api-keys/:keyId/verify': {
    valid: () => ({}),
    strict: true,
    nullable: [],
    textFields: [],
  },
  'POST /api/user/tokens': {
    valid: () => ({ name: 'laptop' }),
    strict: true,
    nullable: [],
    textFields: ['name'],
  },
  'POST /v1/chat/completions': {
    valid: () => ({ model: 'openai/gpt-4o-mini', messages: userMessage('hi') }),
    strict: false,
    nullable: [],
    textFields: ['model'],
  },
  'POST /v1/embeddings': {
    // Token arrays: wrapping the input in one more array makes it invalid, as the cases below need.
    valid: () => ({ model: 'openai/text-embedding-3-small', input: [[1, 2, 3]] }),
    strict: false,
    nullable: [],
    textFields: ['model'],
  },
  'POST /v1/messages': {
    valid: () => ({
      model: 'claude-sonnet-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    }),
    strict: false,
    nullable: [],
    textFields: ['model'],
    numbers: ['max_tokens'],
  },
  'POST /v1/responses': {
    valid: () => ({ model: 'openai/gpt-4o-mini', input: 'hi' }),
    strict: false,
    nullable: [],
    textFields: ['model'],
  },
  'POST /v1/messages/count_tokens': {
    valid: () => ({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }),
    strict: false,
    nullable: [],
    textFields: ['model'],
  },
};

// The organisation's key routes take exactly the bodies of the user's.
for (const [route, write] of Object.entries(WRITES))
  if (route.includes('/api/user/api-keys')) WRITES[route.replace('/api/user/', '/api/org/')] = write;

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const MB = 1024 * 1024;

/** [what, raw body] pairs, every one of which must be refused. */
function attempts(w: Write): [string, string | Uint8Array<ArrayBuffer>][] {
  const valid = w.valid();
  const json = (o: unknown) => JSON.stringify(o);
  const out: [string, string | Uint8Array<ArrayBuffer>][] = [
    ['a JSON array', json([valid])],
    ['a JSON string', json('hello')],
    ['a number', '42'],
    ['null', 'null'],
    ['an empty body', ''],
    ['truncated JSON', json(valid).slice(0, -3)],
    ['a nested body 10,000 deep', `${json(valid).slice(0, -1)},"x":${nested(10_000)}}`],
    [
      'invalid UTF-8',
      new Uint8Array([
        ...new TextEncoder().encode('{"name":"a'),
        0xff,
        0xfe,
        ...new TextEncoder().encode('"}'),
      ]),
    ],
  ];
  if (w.strict) {
    for (const extra of [
      'userId',
      'user_id',
      'id',
      'encryptedKey',
      'encrypted_key',
      'createdAt',
      'lastUsedAt',
      'tokenHash',
      'isAdmin',
    ])
      out.push([`an extra field ${extra}`, json({ ...valid, [extra]: 'x' })]);
    out.push(['a __proto__ field', `${json(valid).slice(0, -1)},"__proto__":{"isAdmin":true}}`]);
  }
  for (const field of Object.keys(valid)) {
    const wrong: [string, unknown][] = [
      ...(w.numbers?.includes(field) ? [] : [['a number', 123] as [string, unknown]]),
      ['an object', { $gt: '' }],
      ['an array', [valid[field]]],
    ];
    if (typeof valid[field] !== 'boolean') wrong.push(['a boolean', true]);
    if (!w.nullable.includes(field)) wrong.push(['null', null]);
    for (const [what, value] of wrong) out.push([`${field} as ${what}`, json({ ...valid, [field]: value })]);
  }
  for (const field of w.textFields) {
    const v = String(valid[field]);
    out.push([`a NUL byte in ${field}`, json({ ...valid, [field]: `${v.slice(0, 3)}\u0000${v.slice(3)}` })]);
    out.push([`a 1 MB ${field}`, json({ ...valid, [field]: 'x'.repeat(MB) })]);
  }
  if ('apiKey' in valid) {
    out.push(['CR/LF in apiKey', json({ ...valid, apiKey: `${valid.apiKey}\r\nX-Injected: 1` })]);
    out.push(['a header-splitting apiKey', json({ ...valid, apiKey: `${valid.apiKey}\nHost: evil.test` })]);
    out.push(['an apiKey with a space', json({ ...valid, apiKey: `${valid.apiKey} x` })]);
  }
  return out;
}

describe.each(DATABASE_KINDS)('bad input on every write route on %s', (kind) => {
  let h: ChatHarness;
  let alice: string;
  let storedKey: { id: string; apiKey: string };
  let storedOrgKey: { id: string };
  let writeRoutes: { method: string; path: string }[];

  beforeAll(async () => {
    h = await createChatHarness(kind);
    // The admin of her organisation, so its key routes take her writes.
    alice = await h.t.jwt('alice', { claims: { org_id: 'alice-org', org_role: 'admin' } });
    storedKey = await h.storeKey(alice, 'openai', 'stored-before');
    const orgKey = await h.t.request('/api/org/api-keys', {
      method: 'POST',
      token: alice,
      json: { provider: 'openai', apiKey: fakeKey('openai'), keyName: 'org-stored-before' },
    });
    storedOrgKey = await orgKey.json();
    writeRoutes = h.t.routes.filter((r) => r.method === 'POST' || r.method === 'PATCH' || r.method === 'PUT');
  });
  afterAll(async () => h.close());

  const snapshot = async () => ({
    keys: await h.t.deps.db.selectFrom('api_keys').selectAll().orderBy('id').execute(),
    tokens: await h.t.deps.db.selectFrom('access_tokens').selectAll().orderBy('id').execute(),
    upstream: h.fakes.openai.requests.length + h.fakes.openrouter.requests.length,
  });

  it('knows every route that takes a body', () => {
    expect(writeRoutes.map((r) => `${r.method} ${r.path}`).filter((r) => !(r in WRITES))).toEqual([]);
  });

  it('refuses every malformed body with a 400 that changes nothing', async () => {
    for (const route of writeRoutes) {
      const w = WRITES[`${route.method} ${route.path}`] as Write;
      const keyId = route.path.startsWith('/api/org/') ? storedOrgKey.id : storedKey.id;
      const path = route.path.replace(':keyId', keyId);
      for (const [what, body] of attempts(w)) {
        const before = await snapshot();
        const res = await h.t.request(path, {
          method: route.method,
          token: alice,
          body,
          headers: { 'content-type': 'application/json' },
        });
        const label = `${route.method} ${route.path}: ${what}`;
        expect(res.status, label).toBe(400);
        // /v1/messages answers in Anthropic's shape: the same `error.type` and message.
        const error = (await res.json()).error;
        expect(error.type, label).toBe('invalid_request_error');
        expect(typeof error.message, label).toBe('string');
        expect(await snapshot(), label).toEqual(before);
      }
    }
  });

  it('still serves the key stored before, unchanged', async () => {
    const view = await (await h.t.request(`/api/user/api-keys/${storedKey.id}`, { token: alice })).json();
    expect(view).toMatchObject({ keyName: 'stored-before', isActive: true });
    h.clearFakes();
    const res = await h.chat(alice, { model: 'openai/gpt-4o-mini', messages: userMessage('still there?') });
    expect(res.status).toBe(200);
    expect(h.fakes.openai.requests.at(-1)?.key).toBe(storedKey.apiKey);
  });

  it('stores HTML in names as text and returns it JSON-escaped, never as markup', async () => {
    const name = '<img src=x onerror=alert(1)>&<script>';
    const key = await h.t.request('/api/user/api-keys', {
      method: 'POST',
      token: alice,
      json: { provider: 'google', apiKey: fakeKey('google'), keyName: name },
    });
    const token = await h.t.request('/api/user/tokens', { method: 'POST', token: alice, json: { name } });
    const list = await h.t.request('/api/user/api-keys', { token: alice });
    const unknown = await h.t.request('/api/user/tokens', {
      method: 'POST',
      token: alice,
      json: { name: 'n', [name]: 1 },
    });
    for (const res of [key, token, list, unknown]) {
      const text = await res.text();
      expect(text).not.toMatch(/[<>]/);
      expect(text).toContain('\\u003c');
      expect(JSON.stringify(JSON.parse(text))).toContain(name);
    }
    expect(unknown.status).toBe(400);
  });
});
