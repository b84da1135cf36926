import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-repo.js';
import { signIn, textPastRightEdge, useConsoleSession, waitForStatus } from '../helpers/console-browser.js';
import { fakeKey } from '../helpers/keys.js';

/**
 * The key console's audit log: a key added, verified (valid, then rejected) and deleted in the
 * page, a token minted and used through the API; the page then shows each event, newest first,
 * with who did it and from where, a page at a time — and explains a token without `audit:read`.
 */
describe('the key console: audit log', () => {
  const session = useConsoleSession('carol', { signedIn: true });
  const call = async (
    path: string,
    credential: string,
    init: { method?: string; json?: unknown; agent?: string } = {},
  ) => {
    const res = await fetch(`${session.stack.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${credential}`,
        'content-type': 'application/json',
        ...(init.agent ? { 'user-agent': init.agent } : {}),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  };
  const auditLog = async (): Promise<AuditEntry[]> =>
    (await call('/api/user/audit-log?limit=100', session.jwt)).body.data;
  const audit = () => session.page.locator('#audit');
  const rows = () => audit().locator('tbody tr');
  const shownIds = () => rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-event-id')));
  /** Keys and tokens that must never be found in the page (its DOM and every input's value). */
  const secrets: string[] = [];
  const expectNoSecret = async () => {
    const text = await session.page.evaluate(
      () =>
        document.documentElement.outerHTML +
        [...document.querySelectorAll('input')].map((i) => i.value).join('\n'),
    );
    for (const secret of secrets) expect(text).not.toContain(secret);
  };
  let tokenId = '';

  it('says what will show up before anything happened', async () => {
    const empty = audit().locator('.empty');
    await empty.waitFor();
    expect(await empty.textContent()).toContain('Nothing here yet');
    expect(await audit().locator('table').count()).toBe(0);
  });

  it('shows what was done in the page and through the API, newest first, with who, when and from where', async () => {
    const page = session.page;
    const key = fakeKey('openai');
    secrets.push(key);
    const form = page.locator('#add-key-form');
    await form.getByLabel('Provider', { exact: true }).selectOption('openai');
    await form.getByLabel('Name').fill('work');
    await form.getByLabel('API key').fill(key);
    await form.getByRole('button', { name: 'Add key' }).click();
    await waitForStatus(page, 'Key added: work');
    await page.getByRole('button', { name: 'Verify work' }).click();
    await waitForStatus(page, 'work is valid');
    session.stack.fakes.openai.rejectedKeys.add(key);
    await page.getByRole('button', { name: 'Verify work' }).click();
    await waitForStatus(page, 'work was rejected');
    await page.getByRole('button', { name: 'Delete work' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete key' }).click();
    await waitForStatus(page, 'Deleted work');
    // What was done in the page is in the log at once, without Refresh.
    await expect.poll(() => rows().first().getAttribute('data-action')).toBe('key.deleted');
    expect(await rows().count()).toBe(4);

    const minted = await call('/api/user/tokens', session.jwt, {
      method: 'POST',
      json: { name: 'ci', scopes: ['keys:read', 'keys:write'] },
    });
    secrets.push(minted.body.token);
    tokenId = minted.body.id;
    const spare = fakeKey('anthropic');
    secrets.push(spare);
    const created = await call('/api/user/api-keys', minted.body.token, {
      method: 'POST',
      json: { provider: 'anthropic', apiKey: spare, keyName: 'spare' },
    });
    expect(created.status).toBe(201);
    expect((await call(`/api/user/tokens/${tokenId}`, session.jwt, { method: 'DELETE' })).status).toBe(204);

    await audit().getByRole('button', { name: 'Refresh' }).click();
    await waitForStatus(page, 'Audit log refreshed: 7 events shown');
    const log = await auditLog();
    expect(await shownIds()).toEqual(log.map((e) => e.id));
    expect(await rows().locator('td[data-label="Event"] strong').allTextContents()).toEqual([
      'Token revoked',
      'Key created',
      'Token created',
      'Key deleted',
      'Key verified — rejected',
      'Key verified — valid',
      'Key created',
    ]);
    const row = (i: number) => rows().nth(i);
    const cell = (i: number, label: string) => row(i).locator(`td[data-label="${label}"]`);

    // Time: local and readable, the exact ISO time in datetime and title.
    const time = cell(6, 'Time').locator('time');
    expect(await time.getAttribute('datetime')).toBe(log[6]?.createdAt);
    expect(await time.getAttribute('title')).toBe(log[6]?.createdAt);
    expect(await time.textContent()).not.toContain('T');
    // The key made in the page: its preview, the JWT, Chromium's agent shortened (whole in the title).
    expect(await cell(6, 'Event').textContent()).toContain('OpenAI · “work”');
    expect(await cell(6, 'Target').textContent()).toBe(`Key ${key.slice(0, 4)}…${key.slice(-4)}`);
    expect(await cell(6, 'Actor').textContent()).toBe('JWTcarol');
    expect(await cell(6, 'IP').textContent()).toBe('127.0.0.1');
    const agent = cell(6, 'User agent').locator('span');
    expect(await agent.textContent()).toMatch(/^Headless Chrome \d+ on Linux$/);
    expect(await agent.getAttribute('title')).toContain('Mozilla/5.0');
    // The key made with the token: the token is the actor; the API's agent is Node's.
    expect(await cell(1, 'Actor').textContent()).toBe(`Token ${tokenId.slice(0, 8)}…carol`);
    expect(await cell(1, 'Actor').locator('code').getAttribute('title')).toBe(tokenId);
    expect(await cell(1, 'User agent').textContent()).toBe('node');
    expect(await cell(2, 'Event').textContent()).toContain('scopes: keys:read, keys:write · never expires');
    expect(await cell(2, 'Target').textContent()).toBe(`Token ${minted.body.tokenPreview}`);
    expect(await row(4).getAttribute('data-action')).toBe('key.verified');
    expect(await cell(4, 'Event').locator('strong').getAttribute('class')).toBe('audit-bad');
    expect(await audit().locator('#audit-end').textContent()).toBe('That is the whole log: 7 events.');
  });

  it('pages with Load more (ten at a time, from the keyboard), focus on the first new row', async () => {
    const spare = (await call('/api/user/api-keys', session.jwt)).body.data[0];
    // The last one from a client whose user agent is markup: the page shows it as text.
    const hostile = '<img src=x onerror=alert(1)>';
    for (let budget = 1; budget <= 6; budget++)
      await call(`/api/user/api-keys/${spare.id}`, session.jwt, {
        method: 'PATCH',
        json: { monthlyBudgetUsd: budget },
        ...(budget === 6 ? { agent: hostile } : {}),
      });
    const log = await auditLog();
    expect(log).toHaveLength(13);
    await audit().getByLabel('Events per page').selectOption('10');
    const more = audit().getByRole('button', { name: 'Load more' });
    await more.waitFor();
    expect(await shownIds()).toEqual(log.slice(0, 10).map((e) => e.id));
    expect(await rows().first().locator('td[data-label="Event"]').textContent()).toBe(
      'Key changedchanged: monthly budget',
    );
    expect(await rows().first().locator('td[data-label="User agent"]').textContent()).toBe(hostile);
    expect(await audit().locator('img').count()).toBe(0);

    await more.focus();
    await session.page.keyboard.press('Enter');
    await waitForStatus(session.page, '3 more events loaded; 13 events shown');
    expect(await shownIds()).toEqual(log.map((e) => e.id));
    expect(await session.page.evaluate(() => document.activeElement?.getAttribute('data-event-id'))).toBe(
      log[10]?.id,
    );
    expect(await more.count()).toBe(0);
    expect(await audit().locator('#audit-end').textContent()).toBe('That is the whole log: 13 events.');
    const pages = session.watch.requests.filter((u) => u.includes('/api/user/audit-log?limit=10'));
    expect(pages).toHaveLength(2);
    expect(pages[1]).toContain('cursor=');
    await expectNoSecret();
  });

  it('is keyboard reachable with visible focus, fits 360 px as one card per event, and follows dark mode', async () => {
    const page = session.page;
    await page.locator('#audit-title').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('limit');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('audit-refresh');
    expect(
      await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle),
    ).not.toBe('none');

    expect(await textPastRightEdge(page, 360)).toEqual([]);
    expect(await audit().locator('thead').isVisible()).toBe(false);
    const label = await rows()
      .first()
      .locator('td')
      .first()
      .evaluate((td) => getComputedStyle(td, '::before').content);
    expect(label).toBe('"Time"');
    const card = () =>
      rows()
        .first()
        .evaluate((tr) => getComputedStyle(tr).backgroundColor);
    const light = await card();
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await card()).not.toBe(light);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1024, height: 900 });
    expect(await audit().locator('thead').isVisible()).toBe(true);
  });

  it('explains a token without audit:read (403), and shows the log to one that has it', async () => {
    const make = async (name: string, scopes: string[]) => {
      const res = await call('/api/user/tokens', session.jwt, { method: 'POST', json: { name, scopes } });
      secrets.push(res.body.token);
      return res.body.token as string;
    };
    const without = await make('no-audit', ['keys:read']);
    const denied = await call('/api/user/audit-log', without);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('insufficient_scope');
    await session.page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(session.page, without);
    const notice = audit().locator('.notice');
    await notice.waitFor();
    expect(await notice.textContent()).toBe(
      'This token cannot read the audit log: it lacks the audit:read scope. Sign in with a JWT, or a token that has it.',
    );
    expect(await audit().locator('table').count()).toBe(0);

    const reader = await make('auditor', ['audit:read']);
    await session.page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(session.page, reader);
    await rows().first().waitFor();
    expect(await rows().first().locator('td[data-label="Event"] strong').textContent()).toBe('Token created');
    expect(await session.page.locator('#key-list-area .notice').textContent()).toContain('keys:read');
  });

  it('held no key or token, asked nothing of another origin and broke no CSP rule', async () => {
    expect(secrets).toHaveLength(5);
    await expectNoSecret();
    const origin = new URL(session.stack.url).origin;
    expect(session.watch.requests.filter((u) => new URL(u).origin !== origin)).toEqual([]);
    expect(session.watch.problems).toEqual([]);
  });
});
