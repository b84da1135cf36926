import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { signIn, useConsoleSession, waitForStatus } from '../helpers/console-browser.js';
import { fakeKey } from '../helpers/keys.js';

/**
 * The key console's tokens and usage: a token minted with chosen scopes and copied from the page
 * works with exactly those scopes; chats made with the official SDK show up in the usage charts
 * (inline SVG) per day and per key.
 */
describe('the key console: tokens and usage', () => {
  const session = useConsoleSession('bob', {
    signedIn: true,
    context: { permissions: ['clipboard-read', 'clipboard-write'] },
  });
  const call = (path: string, credential: string, init: { method?: string; json?: unknown } = {}) =>
    fetch(`${session.stack.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
  const tokens = () => session.page.locator('#tokens');
  let minted = '';

  it('shows an empty state, then creates a token with the chosen scopes, shown once with a copy button', async () => {
    expect(await tokens().locator('.empty').textContent()).toContain('No tokens yet');
    await tokens().getByLabel('Name').fill('reporting');
    await tokens().getByLabel(/^chat/).uncheck();
    await tokens()
      .getByLabel(/^keys:read/)
      .check();
    await tokens()
      .getByLabel(/^usage:read/)
      .check();
    await tokens().getByLabel('Expires').selectOption({ label: 'In 30 days' });
    await tokens().getByRole('button', { name: 'Create token' }).click();
    await waitForStatus(session.page, 'Token reporting created');
    minted = await tokens().getByLabel('New token').inputValue();
    expect(minted).toMatch(/^gwt_[A-Za-z0-9_-]{43}$/);

    await tokens().getByRole('button', { name: 'Copy' }).click();
    await waitForStatus(session.page, 'Token copied');
    expect(await session.page.evaluate(() => navigator.clipboard.readText())).toBe(minted);

    const listed = tokens().locator('#token-list > li', { hasText: 'reporting' });
    expect(await listed.textContent()).toContain('keys:read, usage:read');
    expect(await listed.textContent()).not.toContain(minted);
    await tokens().getByRole('button', { name: 'Done, I stored it' }).click();
    expect(await session.page.content()).not.toContain(minted);
  });

  it('the copied token has exactly its scopes', async () => {
    expect((await call('/api/user/api-keys', minted)).status).toBe(200);
    expect((await call('/api/user/usage', minted)).status).toBe(200);
    const chat = await call('/v1/models', minted);
    expect(chat.status).toBe(403);
    expect((await chat.json()).error.code).toBe('insufficient_scope');
  });

  it('names a missing scope by the scopes field', async () => {
    await tokens().getByLabel('Name').fill('nothing');
    for (const box of await tokens().getByRole('checkbox').all()) await box.uncheck();
    await tokens().getByRole('button', { name: 'Create token' }).click();
    const error = tokens().locator('fieldset .field-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('at least one scope');
    await tokens().getByLabel(/^chat/).check();
  });

  it('revokes a token after confirmation; it stops working at once', async () => {
    await tokens().getByRole('button', { name: 'Revoke reporting' }).click();
    await session.page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await waitForStatus(session.page, 'Revoked reporting');
    expect((await call('/api/user/api-keys', minted)).status).toBe(401);
    expect(await tokens().locator('.empty').textContent()).toContain('No tokens yet');
  });

  it('draws requests and cost per day and per key as inline SVG after a few chats', async () => {
    const store = async (provider: 'openai' | 'anthropic', keyName: string) => {
      const res = await call('/api/user/api-keys', session.jwt, {
        method: 'POST',
        json: { provider, apiKey: fakeKey(provider), keyName },
      });
      expect(res.status).toBe(201);
    };
    await store('openai', 'work');
    await store('anthropic', 'claude');
    const client = new OpenAI({ baseURL: `${session.stack.url}/v1`, apiKey: session.jwt, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'Hello' }];
    for (let i = 0; i < 3; i++)
      await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages });
    const stream = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5',
      messages,
      stream: true,
    });
    for await (const _ of stream);
    await client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages });
    // Usage rows are written off the request path, within a second.
    await expect
      .poll(async () => (await (await call('/api/user/usage', session.jwt)).json()).total.requests, {
        timeout: 10_000,
      })
      .toBe(5);

    await session.page.reload();
    await session.page.locator('#console').waitFor();
    const usage = session.page.locator('#usage');
    await usage.locator('.summary', { hasText: '5 requests costing' }).waitFor();
    const perDay = usage.getByRole('img', { name: /^Requests per day/ });
    const today = new Date();
    const label = today.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
    expect(await perDay.locator('rect.bar').count()).toBe(today.getUTCDate());
    expect(await perDay.locator('rect.bar title').last().textContent()).toBe(`${label}: 5 requests`);
    expect(
      await usage
        .getByRole('img', { name: /^Cost per day/ })
        .locator('rect.bar')
        .count(),
    ).toBe(today.getUTCDate());
    const perKey = usage.getByRole('img', { name: /^Cost and requests per key/ });
    const rows = await perKey.locator('text.label').allTextContents();
    expect(rows.sort()).toEqual(['claude (Anthropic)', 'work (OpenAI)']);

    await usage.getByLabel('Key', { exact: true }).selectOption({ label: 'work (OpenAI)' });
    await usage.locator('.summary', { hasText: '3 requests costing' }).waitFor();
    await usage.getByText('Show as a table').click();
    expect(await usage.locator('tbody tr').first().textContent()).toContain(label);
  });

  it('signed in with a gateway token, shows what its scopes allow and explains the rest', async () => {
    const created = await (
      await call('/api/user/tokens', session.jwt, {
        method: 'POST',
        json: { name: 'ro', scopes: ['usage:read'] },
      })
    ).json();
    await session.page.getByRole('button', { name: 'Sign out' }).click();
    await waitForStatus(session.page, 'Signed out');
    expect(await session.page.evaluate(() => sessionStorage.length)).toBe(0);
    await signIn(session.page, created.token);
    expect(await session.page.locator('#key-list-area .notice').textContent()).toContain('keys:read');
    expect(await tokens().locator('.notice').textContent()).toContain('JWT');
    await session.page.locator('#usage .summary', { hasText: '5 requests costing' }).waitFor();
  });

  it('goes back to sign-in, saying why, when the gateway refuses the credential', async () => {
    await session.page.getByRole('button', { name: 'Sign out' }).click();
    await session.page.getByLabel('JWT or gateway token').fill('gwt_notarealtoken');
    await session.page.getByRole('button', { name: 'Sign in' }).click();
    const field = session.page.getByLabel('JWT or gateway token');
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    expect(await session.page.locator('#signin .field-error').textContent()).toContain('refused');
    expect(await session.page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('asked nothing of another origin and broke no CSP rule', () => {
    const origin = new URL(session.stack.url).origin;
    expect(session.watch.requests.filter((u) => new URL(u).origin !== origin)).toEqual([]);
    expect(session.watch.problems).toEqual([]);
  });
});
