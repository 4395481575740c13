/**
 * Browser tests: Debian's Chromium driven by playwright-core (no browser download), against a
 * real Baton (SQLite in a temp dir, the system clock, the timer sweep running, the shipped
 * processes deployed) listening on a loopback port the OS picks.
 *
 * Without Chromium at `BATON_CHROMIUM` (default /usr/bin/chromium) the suite skips with one
 * line, except under CI (`CI` set), where a missing browser fails: `.ci/run` installs it.
 */
import { existsSync } from 'node:fs';

import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { buildWeb, isBuildCurrent } from '../../modeler/build.js';
import type { Baton } from '../../server/baton.js';
import { TEST_ADMIN } from './harness.js';
import type { Http } from './http.js';
import { startTestServer } from './test-server.js';

export const CHROMIUM = process.env['BATON_CHROMIUM'] ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserBaton {
  baton: Baton;
  http: Http;
  baseUrl: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors of the page so far. */
  pageErrors: string[];
  /** A fresh page in the same context (its errors go to `pageErrors` too). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

let browser: Browser | null = null;
let toldSkip = false;

/** In a `describe`: skips the suite (one line) when Chromium is absent and this is not CI. */
export function skipWithoutChromium(context: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return;
  if (process.env['CI']) throw new Error(`Chromium not found at ${CHROMIUM}: CI must install it (apt-get install -y chromium)`);
  if (!toldSkip) console.log(`  browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set BATON_CHROMIUM)`);
  toldSkip = true;
  context.skip();
}

async function sharedBrowser(): Promise<Browser> {
  if (browser?.isConnected()) return browser;
  // playwright-core gives every launch a fresh, empty --user-data-dir of its own (and removes it).
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  return browser;
}

/** Closes the shared browser; registered as a root after-hook below. */
async function closeBrowser(): Promise<void> {
  await browser?.close().catch(() => undefined);
  browser = null;
}

after(closeBrowser);

/**
 * Starts a Baton and opens a page on it (the browser is shared by every suite of the run). The
 * page's context is signed in as `signInAs` (default the test administrator; `null`: signed out).
 */
export async function startBrowserBaton(options: { deployShipped?: boolean; signInAs?: { username: string; password: string } | null } = {}): Promise<BrowserBaton> {
  if (!isBuildCurrent()) await buildWeb();
  // Browser tests run on the system clock with Baton's own checkpoint interval (5 min), the timer sweep running.
  const server = await startTestServer({
    clock: 'system',
    config: { timerPollMs: 100 },
    checkpointMs: 300_000,
    deployShipped: options.deployShipped ?? true,
    runScheduler: true,
  });
  const { baton, http } = server;
  const context = await (await sharedBrowser()).newContext({ viewport: { width: 1400, height: 860 }, acceptDownloads: true });
  const signInAs = options.signInAs === undefined ? TEST_ADMIN : options.signInAs;
  if (signInAs) await signInContext(context, http.baseUrl, signInAs);
  const pageErrors: string[] = [];
  const newPage = async () => {
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`${message.text()} (${message.location().url})`);
    });
    return page;
  };
  const page = await newPage();
  return {
    baton,
    http,
    baseUrl: http.baseUrl,
    context,
    page,
    pageErrors,
    newPage,
    async close() {
      await context.close().catch(() => undefined);
      await server.close();
    },
  };
}

/** Signs a browser context in (its cookie jar gets the session), as the sign-in page would. */
export async function signInContext(context: BrowserContext, baseUrl: string, user: { username: string; password: string }): Promise<void> {
  const response = await context.request.post(`${baseUrl}/api/auth/login`, { data: user });
  if (!response.ok()) throw new Error(`sign-in of ${user.username} failed: ${response.status()} ${await response.text()}`);
}
