import { existsSync } from 'node:fs';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
export { buildWebClient } from './web-build';

/**
 * Debian's chromium package (`.ci/run` installs it when missing). playwright-core downloads no
 * browser of its own; `CHROMIUM_PATH` names another build of Chromium where that one is not.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium; `--no-sandbox` because the tests run as root. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (see .ci/run)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

/** A page in a fresh context (no cookies, storage or cache shared with other tests). */
export interface BrowserPage {
  context: BrowserContext;
  page: Page;
  /** `console.error` messages of the page, with where they came from. */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections of the page. */
  pageErrors: string[];
  /** Every URL the page asked for: documents, scripts, fetches, event streams and WebSockets. */
  requests: string[];
  /** The requests whose host is not 127.0.0.1 (`data:` and `blob:` URLs stay in the page). */
  foreignRequests(): string[];
  close(): Promise<void>;
}

/** Opens a page in a fresh context, recording its errors and every request it makes. */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<BrowserPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  // Fail a step well before jest's own timeout, with Playwright's message naming what it awaited.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url, lineNumber } = message.location();
    consoleErrors.push(`${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
  });
  page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
  context.on('request', (request) => requests.push(request.url()));
  // WebSockets are not requests to Playwright; the terminal's socket is recorded here.
  page.on('websocket', (socket) => requests.push(socket.url()));
  return {
    context,
    page,
    consoleErrors,
    pageErrors,
    requests,
    foreignRequests: () => requests.filter((url) => !isLocal(url)),
    close: () => context.close(),
  };
}

function isLocal(url: string): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  return parsed.hostname === '127.0.0.1';
}
