import { describe, expect, it } from 'vitest';
import { PROVIDERS, providerLabel } from '../../src/providers/kit/providers.js';
import { signIn, textPastRightEdge, useConsoleSession, waitForStatus } from '../helpers/console-browser.js';
import { fakeKey } from '../helpers/keys.js';

/**
 * The key console as a new user meets it: the gateway started like `npm start` in a fresh folder,
 * a JWT from `npm run token`, the page opened at `/` in Chromium; then keys added for every
 * provider, changed and deleted through the page alone, checked against the API.
 */
describe('the key console: keys', () => {
  const session = useConsoleSession('alice', { path: '/' });
  const stored: string[] = [];
  const api = async (path: string) =>
    fetch(`${session.stack.url}${path}`, { headers: { authorization: `Bearer ${session.jwt}` } }).then(
      async (r) => ({
        status: r.status,
        body: r.status === 204 ? null : await r.json(),
      }),
    );
  const addForm = () => session.page.locator('#add-key-form');
  const card = (name: string) =>
    session.page.locator('#key-list > li', { has: session.page.getByRole('heading', { name, exact: true }) });
  /** Every input's value and the whole DOM: where a stored key must never be found. */
  const pageText = () =>
    session.page.evaluate(
      () =>
        document.documentElement.outerHTML +
        [...document.querySelectorAll('input')].map((i) => i.value).join('\n'),
    );

  it('serves the page from / with a strict CSP, no framing and no referrer', async () => {
    expect(session.page.url()).toBe(`${session.stack.url}/console`);
    const headers = (await session.first?.allHeaders()) ?? {};
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('no-referrer');
    await expect(session.page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
  });

  it('signs in with the token from npm run token, kept in sessionStorage only', async () => {
    await signIn(session.page, session.jwt);
    expect(await session.page.locator('#who-label').textContent()).toContain('alice');
    const storage = await session.page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: Object.keys(localStorage).length,
      cookie: document.cookie,
    }));
    expect(storage).toEqual({ session: [session.jwt], local: 0, cookie: '' });
    expect(await session.page.getByLabel('JWT or gateway token').inputValue()).toBe('');
    await expect(session.page.locator('#key-list-area .empty').textContent()).resolves.toContain(
      'No keys yet',
    );
  });

  it('shows the server’s validation message next to the key field, and empties the field', async () => {
    await addForm().getByLabel('Provider', { exact: true }).selectOption({ label: 'OpenAI' });
    await addForm().getByLabel('API key').fill(fakeKey('anthropic'));
    await addForm().getByRole('button', { name: 'Add key' }).click();
    const keyField = addForm().getByLabel('API key');
    await expect.poll(() => keyField.getAttribute('aria-invalid')).toBe('true');
    const errorId = ((await keyField.getAttribute('aria-describedby')) ?? '').split(' ').at(-1) ?? '';
    const message = await session.page.locator(`#${errorId}`).textContent();
    expect(message).toContain('store it with provider "anthropic"');
    expect(await keyField.inputValue()).toBe('');
    expect(await session.page.locator('#alert').textContent()).toContain('anthropic');
    expect((await api('/api/user/api-keys')).body.data).toEqual([]);
  });

  it('adds a key for each of the five providers; the list shows previews and statuses, never a key', async () => {
    for (const provider of PROVIDERS) {
      const key = fakeKey(provider);
      stored.push(key);
      await addForm().getByLabel('Provider', { exact: true }).selectOption(provider);
      expect(await addForm().locator('.hint').nth(1).textContent()).toMatch(/keys (start|are)/);
      await addForm().getByLabel('Name').fill(`${provider} main`);
      await addForm().getByLabel('API key').fill(key);
      await addForm().getByRole('button', { name: 'Add key' }).click();
      await waitForStatus(session.page, `Key added: ${provider} main`);
      expect(await addForm().getByLabel('API key').inputValue()).toBe('');
    }
    await session.page.locator('#key-list > li').nth(4).waitFor();
    expect(await session.page.locator('#key-list > li').count()).toBe(5);
    for (const [i, provider] of PROVIDERS.entries()) {
      const key = stored[i] as string;
      const c = card(`${provider} main`);
      expect(await c.locator('.preview').textContent()).toBe(`${key.slice(0, 4)}…${key.slice(-4)}`);
      expect(await c.locator('.badge').textContent()).toBe(providerLabel(provider));
      expect(await c.locator('.status').allTextContents()).toEqual(['Active', 'Valid']);
      expect(await c.textContent()).toContain('never');
    }
    const text = await pageText();
    for (const key of stored) expect(text).not.toContain(key);
    expect((await api('/api/user/api-keys')).body.data).toHaveLength(5);
  });

  it('verifies with the provider: a rejected key is refused by the field and not stored', async () => {
    const refused = fakeKey('openai');
    stored.push(refused);
    session.stack.fakes.openai.rejectedKeys.add(refused);
    await addForm().getByLabel('Provider', { exact: true }).selectOption('openai');
    await addForm().getByLabel('Name').fill('refused');
    await addForm().getByLabel('API key').fill(refused);
    await addForm().getByRole('button', { name: 'Add key' }).click();
    const keyField = addForm().getByLabel('API key');
    await expect.poll(() => keyField.getAttribute('aria-invalid')).toBe('true');
    expect(await addForm().locator('.field-error:not([hidden])').textContent()).toContain('not stored');
    expect(await keyField.inputValue()).toBe('');
    expect(await session.page.locator('#key-list > li').count()).toBe(5);
  });

  it('verifies a stored key (valid, then rejected once the provider refuses it), and replaces its secret', async () => {
    const c = card('google main');
    await c.getByRole('button', { name: 'Verify google main' }).click();
    await waitForStatus(session.page, 'google main is valid');
    session.stack.fakes.google.rejectedKeys.add(stored[PROVIDERS.indexOf('google')] as string);
    await c.getByRole('button', { name: 'Verify google main' }).click();
    await waitForStatus(session.page, 'google main was rejected');
    expect(await card('google main').locator('[data-status]').textContent()).toBe('Rejected');
    expect(await card('google main').textContent()).toContain('Refused');
    expect(await keyOf('google main')).toMatchObject({ status: 'rejected' });

    const fresh = fakeKey('google');
    stored.push(fresh);
    await card('google main').getByRole('button', { name: 'Replace secret google main' }).click();
    const form = card('google main').getByRole('form', { name: 'Replace the secret of google main' });
    await form.getByLabel('New API key').fill(fresh);
    await form.getByRole('button', { name: 'Replace' }).click();
    await waitForStatus(session.page, 'Replaced the secret of google main');
    expect(await card('google main').locator('.preview').textContent()).toBe(
      `${fresh.slice(0, 4)}…${fresh.slice(-4)}`,
    );
    expect(await card('google main').locator('[data-status]').textContent()).toBe('Valid');
  });

  it('sets a key’s priority and expiry in the edit form', async () => {
    const c = card('openrouter main');
    await c.getByRole('button', { name: 'Edit openrouter main' }).click();
    const form = c.getByRole('form', { name: 'Edit openrouter main' });
    await form.getByLabel('Priority').fill('1');
    await form.getByLabel('Expires').fill('2099-01-31');
    await form.getByRole('button', { name: 'Save' }).click();
    await waitForStatus(session.page, 'Saved openrouter main');
    expect(await card('openrouter main').textContent()).toContain('Priority1');
    expect(await keyOf('openrouter main')).toMatchObject({
      priority: 1,
      expiresAt: '2099-01-31T00:00:00.000Z',
    });
  });

  const keyOf = async (name: string) =>
    ((await api('/api/user/api-keys')).body.data as { keyName: string; id: string }[]).find(
      (k) => k.keyName === name,
    );

  it('deactivates and reactivates a key; focus stays on the button', async () => {
    await card('openai main').getByRole('button', { name: 'Deactivate openai main' }).click();
    await waitForStatus(session.page, 'is inactive');
    expect(await card('openai main').locator('.status').first().textContent()).toBe('Inactive');
    expect(await keyOf('openai main')).toMatchObject({ isActive: false });
    const again = card('openai main').getByRole('button', { name: 'Activate openai main' });
    await expect.poll(() => again.evaluate((b) => b === document.activeElement)).toBe(true);
    await again.click();
    await expect.poll(() => card('openai main').locator('.status').first().textContent()).toBe('Active');
    expect(await keyOf('openai main')).toMatchObject({ isActive: true });
  });

  it('renames a key and sets its budget; a bad budget is named by its field', async () => {
    const c = card('anthropic main');
    await c.getByRole('button', { name: 'Edit anthropic main' }).click();
    const form = c.getByRole('form', { name: 'Edit anthropic main' });
    await form.getByLabel('Monthly budget (USD)').fill('-3');
    await form.getByRole('button', { name: 'Save' }).click();
    const budget = form.getByLabel('Monthly budget (USD)');
    await expect.poll(() => budget.getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('.field-error:not([hidden])').textContent()).toContain('must be 0 or more');
    await budget.fill('5');
    await form.getByLabel('Name').fill('claude');
    await form.getByRole('button', { name: 'Save' }).click();
    await waitForStatus(session.page, 'Saved claude');
    expect(await card('claude').textContent()).toContain('$0.00 of $5.00');
    expect(await keyOf('claude')).toMatchObject({ provider: 'anthropic', monthlyBudgetUsd: 5 });
  });

  it('deletes a key only once the dialog is confirmed (Escape and Cancel keep it)', async () => {
    const remove = card('meta main').getByRole('button', { name: 'Delete meta main' });
    await remove.click();
    const dialog = session.page.getByRole('dialog', { name: 'Delete meta main?' });
    await dialog.waitFor();
    await session.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await remove.click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await keyOf('meta main')).toBeDefined();
    // Confirmed from the keyboard: Tab from Cancel (focused session.first) to the delete button, Enter.
    await remove.click();
    await session.page.keyboard.press('Tab');
    await session.page.keyboard.press('Enter');
    await waitForStatus(session.page, 'Deleted meta main');
    expect(await card('meta main').count()).toBe(0);
    expect(await keyOf('meta main')).toBeUndefined();
  });

  it('shows keyboard focus, fits 360 px without sideways scrolling, and follows dark mode', async () => {
    await session.page.locator('#keys-title').focus();
    await session.page.keyboard.press('Tab');
    const outline = await session.page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).not.toBe('none');
    // No text runs past the right edge (a long URL in a message, say), and nothing scrolls sideways.
    expect(await textPastRightEdge(session.page, 360)).toEqual([]);
    const background = () => session.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await session.page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).not.toBe(light);
    await session.page.emulateMedia({ colorScheme: 'light' });
    await session.page.setViewportSize({ width: 1024, height: 900 });
  });

  it('asked nothing of another origin, broke no CSP rule and never held a key after submitting it', async () => {
    const origin = new URL(session.stack.url).origin;
    expect(session.watch.requests.length).toBeGreaterThan(5);
    expect(session.watch.requests.filter((u) => new URL(u).origin !== origin)).toEqual([]);
    expect(session.watch.problems).toEqual([]);
    const text = await pageText();
    for (const key of stored) expect(text).not.toContain(key);
  });
});
