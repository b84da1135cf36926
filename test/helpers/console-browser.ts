import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page, Response } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type AllFakes, startAllFakes } from '../../fakes/all-providers.js';
import { launchChromium } from '../../scripts/chromium.js';
import { baseEnv, type GatewayProcess, runScript, startGatewayProcess } from './spawn-gateway.js';

/**
 * The key console's browser tests: Debian's Chromium driven by playwright-core (scripts/chromium.ts;
 * `.ci/run` installs the `chromium` package when it is missing), against the gateway started as
 * `npm start` starts it, in a fresh folder, with every provider faked locally.
 */
export interface ConsoleStack {
  url: string;
  fakes: AllFakes;
  gw: GatewayProcess;
  /** `npm run token -- <user>` in the gateway's folder: the JWT a new user would paste. */
  token(user: string): Promise<string>;
  close(): Promise<void>;
}

export async function startConsoleStack(env: Record<string, string> = {}): Promise<ConsoleStack> {
  const dir = mkdtempSync(join(tmpdir(), 'byok-console-'));
  const fakes = await startAllFakes();
  const processEnv = baseEnv({ ...fakes.env, LOG_LEVEL: 'warn', ...env });
  const gw = await startGatewayProcess({ cwd: dir, env: processEnv });
  return {
    url: gw.url,
    fakes,
    gw,
    async token(user) {
      const out = await runScript('scripts/token.ts', [user], { cwd: dir, env: processEnv });
      if (out.code !== 0) throw new Error(`npm run token failed: ${out.stderr}`);
      return out.stdout.trim();
    },
    async close() {
      await gw.stop();
      await fakes.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Everything a page asked for, and every CSP violation or uncaught error it hit. */
export interface PageWatch {
  requests: string[];
  problems: string[];
}

export async function watchPage(page: Page): Promise<PageWatch> {
  const watch: PageWatch = { requests: [], problems: [] };
  page.on('request', (r) => watch.requests.push(r.url()));
  page.on('pageerror', (e) => watch.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Trusted Type/i.test(m.text()))
      watch.problems.push(`console: ${m.text()}`);
  });
  await page.exposeFunction('reportCspViolation', (what: string) => watch.problems.push(`CSP: ${what}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportCspViolation: (s: string) => void }).reportCspViolation(
        `${e.violatedDirective} ${e.blockedURI}`,
      ),
    );
  });
  return watch;
}

/** Signs in through the form, as a person would, and waits for the keys section. */
export async function signIn(page: Page, credential: string): Promise<void> {
  await page.getByLabel('JWT or gateway token').fill(credential);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#console').waitFor({ state: 'visible' });
}

/** Waits until the polite status region (success messages) says `text`. */
export async function waitForStatus(page: Page, text: string): Promise<void> {
  await page.locator('#status', { hasText: text }).waitFor();
}

/**
 * At a narrow width: every piece of text that runs past the viewport's right edge (a long URL in
 * a message, say), as `right-edge TAG: text`. The console must have none, and no sideways scroll.
 */
export async function textPastRightEdge(page: Page, width: number): Promise<string[]> {
  await page.setViewportSize({ width, height: 800 });
  await page.evaluate(() => new Promise(requestAnimationFrame));
  return page.evaluate((edge) => {
    const wide = [...document.querySelectorAll('body *')].flatMap((e) =>
      [...e.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => {
          const r = document.createRange();
          r.selectNodeContents(n);
          return { right: r.getBoundingClientRect().right, text: `${e.tagName}: ${n.textContent}` };
        })
        .filter((x) => x.right > edge + 0.5)
        .map((x) => `${Math.round(x.right)} ${x.text}`),
    );
    const scroll = document.documentElement.scrollWidth;
    return scroll > edge ? [...wide, `the page scrolls sideways: ${scroll} px wide`] : wide;
  }, width);
}

/** One browser test file's world: the stack, Chromium, one watched page at the console, a user's JWT. */
export interface ConsoleSession {
  stack: ConsoleStack;
  browser: Browser;
  page: Page;
  watch: PageWatch;
  jwt: string;
  /** The answer to the page's first navigation (its headers are under test). */
  first: Response | null;
}

/**
 * Registers the beforeAll/afterAll of a browser test file: the gateway stack and Chromium started
 * side by side, a JWT for `user`, a 1024×900 page watched for CSP problems, opened at `path`
 * (and signed in when `signedIn`). The returned object is filled in once beforeAll has run.
 */
export function useConsoleSession(
  user: string,
  opts: { path?: string; signedIn?: boolean; context?: BrowserContextOptions } = {},
): ConsoleSession {
  const session = {} as ConsoleSession;
  beforeAll(async () => {
    [session.stack, session.browser] = await Promise.all([startConsoleStack(), launchChromium()]);
    session.jwt = await session.stack.token(user);
    const context = await session.browser.newContext({
      viewport: { width: 1024, height: 900 },
      ...opts.context,
    });
    session.page = await context.newPage();
    session.watch = await watchPage(session.page);
    session.first = await session.page.goto(`${session.stack.url}${opts.path ?? '/console'}`);
    if (opts.signedIn) await signIn(session.page, session.jwt);
  }, 60_000);
  afterAll(async () => {
    await session.browser?.close();
    await session.stack?.close();
  });
  return session;
}
