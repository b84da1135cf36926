import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { createNodeAead } from '../../src/node/node-aead.js';
import { openDatabase } from '../../src/node/node-db.js';
import { createVault } from '../../src/vault/index.js';
import { TEST_ENCRYPTION_SECRET } from '../helpers/config.js';
import { fakeKey } from '../helpers/keys.js';
import { storeOrgKey } from '../helpers/org-keys.js';
import { collectStream, useSdkGateway } from '../helpers/sdk-gateway.js';
import { signTestJwt } from '../helpers/test-app.js';

/** The real server process and the official openai SDK, served by an organisation's shared key. */
describe('the official openai SDK served by an organisation key', () => {
  const sdk = useSdkGateway({
    tmpPrefix: 'byok-sdk-org-',
    userPrefix: 'sdk-org-user-',
    startFakes: async () => {
      const [openai, openrouter] = await Promise.all([
        startFakeOpenAICompatible({ flavour: 'openai' }),
        startFakeOpenAICompatible({ flavour: 'openrouter' }),
      ]);
      return { openai, openrouter };
    },
    env: ({ openai, openrouter }) => ({
      OPENAI_BASE_URL: openai.baseUrl,
      OPENROUTER_BASE_URL: openrouter.baseUrl,
      OPENROUTER_API_KEY: fakeKey('openrouter'),
    }),
  });
  let opened: ReturnType<typeof openDatabase> | undefined;
  afterAll(async () => opened?.db.destroy());

  it('answers and streams for a member’s JWT and for a gateway token minted in the organisation', async () => {
    // The organisation's key, stored in the gateway's own database file (as /api/org/api-keys would).
    opened = openDatabase(`file:${sdk.dbPath}`);
    const vault = await createVault(TEST_ENCRYPTION_SECRET, [], createNodeAead());
    const shared = await storeOrgKey({ db: opened.db, vault }, 'sdk-org', 'openai', { keyName: 'team' });
    const jwt = await signTestJwt('sdk-org-member', { claims: { org_id: 'sdk-org' } });
    const minted = await fetch(`${sdk.gw.url}/api/user/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'sdk' }),
    });
    const token = (await minted.json()).token as string;

    for (const client of [sdk.client(jwt), sdk.client(token)]) {
      const { data, response } = await client.chat.completions
        .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'shared' }] })
        .withResponse();
      expect(data.choices[0]?.message.content).toBe('echo: shared');
      expect(response.headers.get('x-gateway-key-source')).toBe('org');
      expect(response.headers.get('x-gateway-key-id')).toBe(shared.id);
      const stream = await client.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        stream: true,
        messages: [{ role: 'user', content: 'streamed' }],
      });
      expect((await collectStream(stream)).text).toBe('echo: streamed');
    }
    expect(sdk.fakes.openai.requests.map((r) => r.key)).toEqual(Array(4).fill(shared.apiKey));
    expect(sdk.fakes.openrouter.requests).toHaveLength(0);

    // The organisation's key refused: the SDK raises AuthenticationError naming it, never its value.
    sdk.fakes.openai.rejectedKeys.add(shared.apiKey);
    const err = await sdk
      .client(jwt)
      .chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const rejected = err as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(rejected.code).toBe('provider_key_rejected');
    expect(rejected.message).toContain(`your organisation's key "team" (${shared.preview})`);
    expect(rejected.message).not.toContain(shared.apiKey.slice(8, 30));
  });
});
