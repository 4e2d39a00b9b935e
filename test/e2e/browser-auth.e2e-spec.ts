import type { Browser, BrowserContextOptions } from 'playwright-core';
import { startAgentTestApp, type AgentTestApp } from '../support/agent-app';
import { buildWebClient, launchBrowser, openPage } from '../support/browser';
import { openTerminal, runInTerminal } from '../support/browser-terminal';

jest.setTimeout(60_000);

const PASSWORD = 'browser-secret';
const TOKEN = Buffer.from(`opencode:${PASSWORD}`).toString('base64');

/** The browser client with basic auth on: the browser's credentials, or `?auth_token=`. */
describe('browser client with basic auth', () => {
  let t: AgentTestApp;
  let browser: Browser;

  beforeAll(async () => {
    const webClientDirectory = buildWebClient();
    [t, browser] = await Promise.all([
      startAgentTestApp({ env: { OPENCODE_SERVER_PASSWORD: PASSWORD }, webClientDirectory }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('answers GET / without credentials with a 401 and a basic-auth challenge', async () => {
    const response = await fetch(`${t.url}/`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await response.text()).not.toContain('<html');

    // A browser without credentials: headless Chromium has no one to ask for them, and gives up
    // on the challenge instead of showing the 401 body.
    const tab = await openPage(browser);
    try {
      const navigation = await tab.page.goto(`${t.url}/`).then(
        (answer) => String(answer?.status()),
        (error: Error) => error.message,
      );
      expect(navigation).toMatch(/^401$|ERR_INVALID_AUTH_CREDENTIALS/);
      expect(await tab.page.getByTestId('session-new').count()).toBe(0);
    } finally {
      await tab.close();
    }
  });

  it('refuses wrong credentials', async () => {
    const tab = await openPage(browser, {
      httpCredentials: { username: 'opencode', password: 'wrong' },
    });
    try {
      const page = await tab.page.goto(`${t.url}/`);
      expect(page?.status()).toBe(401);
    } finally {
      await tab.close();
    }
  });

  /**
   * Opens the page at `path` in a context with `options`, creates a session and runs a turn:
   * every API call, the event stream and the page itself pass the auth hook.
   */
  async function runTurn(path: string, options: BrowserContextOptions, answer: string) {
    const tab = await openPage(browser, options);
    const { page } = tab;
    try {
      const response = await page.goto(`${t.url}${path}`);
      expect(response?.status()).toBe(200);
      await page.getByTestId('session-new').click();
      await page.waitForURL(/#ses_/);
      t.model.enqueue({ text: answer });
      await page.getByTestId('prompt-input').fill('Are you there?');
      await page.getByTestId('prompt-submit').click();
      await page.getByTestId('message-user').filter({ hasText: 'Are you there?' }).waitFor();
      await page.getByTestId('message-assistant').filter({ hasText: answer }).waitFor();
      await page.getByTestId('session-item').first().waitFor();
      return tab;
    } finally {
      await tab.close();
    }
  }

  it("works with the browser's credentials", async () => {
    const tab = await runTurn(
      '/',
      { httpCredentials: { username: 'opencode', password: PASSWORD } },
      'Here, with credentials.',
    );
    expect(tab.pageErrors).toEqual([]);
    expect(tab.consoleErrors).toEqual([]);
    expect(tab.foreignRequests()).toEqual([]);
  });

  it('works with ?auth_token= in the page URL and no stored credentials', async () => {
    const tab = await runTurn(`/?auth_token=${TOKEN}`, {}, 'Here, with a token.');
    expect(tab.pageErrors).toEqual([]);
    expect(tab.consoleErrors).toEqual([]);
    expect(tab.foreignRequests()).toEqual([]);
    // The event stream carried the token in its query; the API calls sent it as a header.
    const paths = tab.requests.map((url) => new URL(url));
    expect(paths.find((url) => url.pathname === '/event')?.searchParams.get('auth_token')).toBe(
      TOKEN,
    );
  });

  it.each([
    ["the browser's credentials (a connect ticket)", '/', true],
    ['?auth_token= (on the socket URL)', `/?auth_token=${TOKEN}`, false],
  ])('opens a terminal with %s', async (_label, path, withCredentials) => {
    const tab = await openPage(
      browser,
      withCredentials ? { httpCredentials: { username: 'opencode', password: PASSWORD } } : {},
    );
    try {
      await tab.page.goto(`${t.url}${path}`);
      await tab.page.getByTestId('session-new').waitFor();
      await openTerminal(tab.page);
      await runInTerminal(tab.page, 'echo auth-$((6 * 7))', 'auth-42');
      const socket = new URL(tab.requests.find((url) => url.startsWith('ws:'))!);
      if (withCredentials) {
        expect(socket.searchParams.get('ticket')).toBeTruthy();
        expect(socket.searchParams.has('auth_token')).toBe(false);
      } else {
        expect(socket.searchParams.get('auth_token')).toBe(TOKEN);
      }
      expect(tab.pageErrors).toEqual([]);
      expect(tab.consoleErrors).toEqual([]);
    } finally {
      await tab.close();
    }
  });
});
