import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { fakeKey, type KeyProvider } from '../fakes/keys.js';
import { launchChromium } from './chromium.js';
import { startOfflineGateway } from './offline-gateway.js';

/**
 * `npx tsx scripts/console-screenshots.ts`: the README's pictures of the key console, taken from a
 * real run. The gateway and the fake providers start as in `npm run demo`, five keys are added
 * and real chats are made through them; then, so that the chart shows more than today, each usage
 * row is moved back by a few days (the only thing staged). A token then changes a budget and a key
 * is verified in the page, so the audit log has more than one kind of actor. Chromium
 * (/usr/bin/chromium) takes the key list, the usage section and the audit log (ten events a page)
 * in light and dark mode into docs/.
 */
const OUT = join(import.meta.dirname, '../docs');

/** A section with a margin of page around it, once the sign-in announcement is out of the way. */
async function shoot(page: Page, selector: string, path: string): Promise<void> {
  await page.evaluate(() => {
    for (const id of ['status', 'alert']) (document.getElementById(id) as HTMLElement).textContent = '';
  });
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on the page`);
  await page.screenshot({
    path,
    fullPage: true,
    clip: {
      x: Math.max(0, box.x - 16),
      y: Math.max(0, box.y - 12),
      width: box.width + 32,
      height: box.height + 24,
    },
  });
}

async function main(): Promise<void> {
  const offline = await startOfflineGateway({
    PORT: '0',
    RATE_LIMIT_RPM: '0',
    MANAGEMENT_RATE_LIMIT_RPM: '0',
  });
  const { gateway } = offline;
  const jwt = await offline.jwt('alice', '1h');
  const call = async (path: string, method = 'GET', json?: unknown, credential = jwt) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  };

  const keys: [KeyProvider, string, number | null, string][] = [
    ['openai', 'work', 20, 'openai/gpt-4o'],
    ['anthropic', 'claude', 15, 'anthropic/claude-sonnet-4-5'],
    ['google', 'gemini', null, 'google/gemini-2.5-flash'],
    ['openrouter', 'personal', 5, 'mistralai/mistral-large'],
    ['meta', 'llama', null, 'meta-llama/llama-4-maverick'],
  ];
  const ids: Record<string, string> = {};
  for (const [provider, keyName, monthlyBudgetUsd] of keys) {
    const key = await call('/api/user/api-keys', 'POST', {
      provider,
      apiKey: fakeKey(provider),
      keyName,
      monthlyBudgetUsd,
      verify: provider !== 'meta',
    });
    ids[keyName] = key.id;
  }
  await call(`/api/user/api-keys/${ids.llama}`, 'PATCH', { isActive: false });

  // Real chats, a different number per key and per day; the days are applied to the rows below.
  const plan: { model: string; day: number }[] = [];
  for (let day = 0; day < 14; day++)
    for (const [i, [, , , model]] of keys.slice(0, 4).entries()) {
      const n = (day * 7 + i * 3) % 5;
      for (let k = 0; k < n; k++) plan.push({ model, day });
    }
  for (const { model, day } of plan)
    await call('/v1/chat/completions', 'POST', {
      model,
      max_tokens: 600,
      messages: [
        {
          role: 'user',
          content: `Summarise this report, part ${day}. ${'Lorem ipsum dolor sit amet. '.repeat(20 + day * 9)}`,
        },
      ],
    });
  const db = gateway.deps.db;
  let rows: { id: string }[] = [];
  for (let i = 0; i < 50 && rows.length < plan.length; i++) {
    await new Promise((r) => setTimeout(r, 200));
    rows = await db.selectFrom('usage_events').select('id').orderBy('created_at').execute();
  }
  for (const [i, row] of rows.entries()) {
    const when = new Date(Date.now() - (plan[i]?.day ?? 0) * 86_400_000 - 60_000);
    await db
      .updateTable('usage_events')
      .set({ created_at: when.toISOString() })
      .where('id', '=', row.id)
      .execute();
  }

  const ci = await call('/api/user/tokens', 'POST', { name: 'ci', scopes: ['keys:read', 'keys:write'] });
  await call(`/api/user/api-keys/${ids.personal}`, 'PATCH', { monthlyBudgetUsd: 8 }, ci.token);

  const browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    const page: Page = await browser.newPage({
      viewport: { width: 1100, height: 900 },
      colorScheme: scheme,
      deviceScaleFactor: 1,
    });
    await page.goto(`${gateway.url}/console`);
    await page.getByLabel('JWT or gateway token').fill(jwt);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#key-list > li').nth(4).waitFor();
    if (scheme === 'light') {
      await page.getByRole('button', { name: 'Verify gemini' }).click();
      await page.locator('#status', { hasText: 'gemini is valid' }).waitFor();
    }
    await page.locator('#add-key-panel > summary').click();
    const suffix = scheme === 'dark' ? '-dark' : '';
    await shoot(page, '#keys', join(OUT, `console-keys${suffix}.png`));
    await page.locator('#usage').getByLabel('Period').selectOption('30');
    await page.locator('#usage .summary').waitFor();
    await page.locator('#usage').getByRole('img').first().waitFor();
    await shoot(page, '#usage', join(OUT, `console-usage${suffix}.png`));
    await page.locator('#audit').getByLabel('Events per page').selectOption('10');
    await page.locator('#audit-more').waitFor();
    await shoot(page, '#audit', join(OUT, `console-audit${suffix}.png`));
    await page.close();
  }
  await browser.close();
  await offline.close();
  console.log(`screenshots written to ${OUT}`);
}

await main();
