import { basename } from 'node:path';
import type { Browser } from 'playwright-core';
import { startAgentTestApp, type AgentTestApp } from '../support/agent-app';
import { buildWebClient, launchBrowser, openPage, type BrowserPage } from '../support/browser';
import { openTerminal, runInTerminal } from '../support/browser-terminal';
import { frameType } from '../support/sse-client';

jest.setTimeout(60_000);

/** The client's terminal panel: xterm.js bound to a real PTY of the server over its WebSocket. */
describe('browser client: terminal', () => {
  let t: AgentTestApp;
  let browser: Browser;
  let tab: BrowserPage;

  beforeAll(async () => {
    const webClientDirectory = buildWebClient();
    [t, browser] = await Promise.all([startAgentTestApp({ webClientDirectory }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  beforeEach(async () => {
    tab = await openPage(browser);
  });
  afterEach(async () => {
    const { consoleErrors, pageErrors } = tab;
    const foreign = tab.foreignRequests();
    await tab.close();
    expect({ consoleErrors, pageErrors, foreign }).toEqual({
      consoleErrors: [],
      pageErrors: [],
      foreign: [],
    });
  });

  async function ptys(): Promise<Array<{ id: string; title: string; status: string }>> {
    const response = await t.http.get('/pty').expect(200);
    return response.body as Array<{ id: string; title: string; status: string }>;
  }

  it('echoes what is typed, runs it in the project, and removes its PTY when closed', async () => {
    const { page } = tab;
    await page.goto(`${t.url}/`);
    await page.getByTestId('session-new').waitFor();
    await openTerminal(page);
    // Only the shell computes 42, so the text proves the command ran, not just the echo.
    await runInTerminal(page, 'echo hi-browser-$((6 * 7))', 'hi-browser-42');
    // The shell starts in the project (the prompt may show the path: the marker makes it output).
    await runInTerminal(page, 'echo in-$(basename "$PWD")', `in-${basename(t.directory)}`);
    const open = await ptys();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ status: 'running' });
    // The page's WebSocket went to this server, like every other request.
    expect(tab.requests.filter((url) => url.startsWith('ws://127.0.0.1:'))).toHaveLength(1);

    await page.getByRole('button', { name: 'Close terminal' }).click();
    await page.getByTestId('terminal').waitFor({ state: 'detached' });
    await t.sse.waitFor(
      (frame) =>
        frameType(frame) === 'pty.deleted' &&
        (frame.data as { properties: { id: string } }).properties.id === open[0].id,
    );
    expect(await ptys()).toEqual([]);
  });
});
