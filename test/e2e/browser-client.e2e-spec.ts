import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startAgentTestApp, type AgentTestApp } from '../support/agent-app';
import { buildWebClient, launchBrowser, openPage, type BrowserPage } from '../support/browser';
import { gitRepo } from '../support/fixtures';

jest.setTimeout(60_000);

/**
 * The browser client in Debian's chromium against the real server and the fake model: what a
 * person sees and clicks, through the client's stable `data-testid`s only.
 */
describe('browser client', () => {
  let t: AgentTestApp;
  let browser: Browser;
  let tab: BrowserPage;
  let page: Page;

  beforeAll(async () => {
    const webClientDirectory = buildWebClient();
    [t, browser] = await Promise.all([
      startAgentTestApp({
        directory: gitRepo({ 'notes.txt': 'alpha\nbeta\ngamma\n' }),
        config: { permission: { bash: 'ask' } },
        webClientDirectory,
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  beforeEach(async () => {
    tab = await openPage(browser);
    page = tab.page;
  });
  // Whatever a test did, the page logged no error, threw nothing and asked nothing of any host
  // but the server's.
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

  /** Opens the client and waits until it has drawn its session list. */
  async function open(): Promise<void> {
    const response = await page.goto(`${t.url}/`);
    expect(response?.status()).toBe(200);
    // The list itself has no height while empty: the button above it says the page is drawn.
    await page.getByTestId('session-new').waitFor();
    await page.getByTestId('session-list').waitFor({ state: 'attached' });
  }

  /** Starts a session from the page and sends `text`; returns the new session's id. */
  async function promptInNewSession(text: string): Promise<string> {
    await page.getByTestId('session-new').click();
    // The open session is kept in the URL's hash.
    await page.waitForURL(/#ses_/);
    await page.getByTestId('prompt-input').fill(text);
    await page.getByTestId('prompt-submit').click();
    await page.getByTestId('message-user').filter({ hasText: text }).waitFor();
    return decodeURIComponent(new URL(page.url()).hash.slice(1));
  }

  const assistantSaying = (text: string) =>
    page.getByTestId('message-assistant').filter({ hasText: text });
  const toolPart = (tool: string) => page.getByTestId('tool-part').filter({ hasText: tool });

  it('loads with only requests to the server: the page, its API calls, the event stream', async () => {
    await open();
    await page.getByTestId('prompt-input').waitFor();
    await page.getByTestId('session-new').waitFor();
    const paths = tab.requests.map((url) => new URL(url).pathname);
    expect(paths[0]).toBe('/');
    expect(paths).toEqual(expect.arrayContaining(['/session', '/event']));
    expect(tab.requests.every((url) => url.startsWith(`${t.url}/`))).toBe(true);
  });

  it('shows a prompt answered with a tool call: the tool part, then the answer', async () => {
    t.model.enqueue(
      { toolCalls: [{ name: 'read', arguments: { filePath: 'notes.txt' } }] },
      { text: 'The notes list three words.' },
    );
    await open();
    const sessionID = await promptInNewSession('What do the notes say?');
    await assistantSaying('The notes list three words.').waitFor();
    await toolPart('read').waitFor();
    // The tool ran for real: its output (the numbered file) is in the part.
    await toolPart('read').filter({ hasText: '2: beta' }).waitFor();
    // One part per tool call, above the answer it led to.
    expect(await page.getByTestId('tool-part').count()).toBe(1);
    const tool = await toolPart('read').boundingBox();
    const answer = await page.getByText('The notes list three words.').boundingBox();
    expect(tool!.y).toBeLessThan(answer!.y);
    await page.getByTestId('session-item').first().waitFor();
    await t.waitForIdle(sessionID);
    const messages = await t.messages(sessionID);
    expect(messages.map((message) => message.info.role)).toEqual([
      'user',
      'assistant',
      'assistant',
    ]);
  });

  it('runs a command once "allow once" is clicked on the permission asked', async () => {
    t.model.enqueue(
      {
        toolCalls: [
          {
            name: 'bash',
            arguments: { command: 'echo allowed-$((40 + 2))', description: 'Print a word' },
          },
        ],
      },
      { text: 'The command ran.' },
    );
    await open();
    const sessionID = await promptInNewSession('Run the command');
    await page.getByTestId('permission-allow-once').click();
    await page.getByTestId('permission-allow-once').waitFor({ state: 'detached' });
    await assistantSaying('The command ran.').waitFor();
    // Only the shell computes 42: the output proves the command ran.
    await toolPart('bash').filter({ hasText: 'allowed-42' }).waitFor();
    await t.waitForIdle(sessionID);
    const replied = t.sessionEvents(sessionID).find((e) => e.type === 'permission.replied');
    expect(replied?.properties).toMatchObject({ sessionID, reply: 'once' });
  });

  it('stops the turn when "reject" is clicked: the command never runs', async () => {
    t.model.enqueue({
      toolCalls: [
        {
          name: 'bash',
          arguments: { command: 'touch rejected.txt', description: 'Create a file' },
        },
      ],
    });
    await open();
    const sessionID = await promptInNewSession('Create the file');
    await page.getByTestId('permission-reject').click();
    await page.getByTestId('permission-reject').waitFor({ state: 'detached' });
    await t.waitForIdle(sessionID);
    await toolPart('bash').filter({ hasText: 'error' }).waitFor();
    const replied = t.sessionEvents(sessionID).find((e) => e.type === 'permission.replied');
    expect(replied?.properties).toMatchObject({ sessionID, reply: 'reject' });
    const messages = await t.messages(sessionID);
    const tool = messages[1].parts.find((part) => part.type === 'tool');
    expect(tool?.state.status).toBe('error');
    expect(existsSync(join(t.directory, 'rejected.txt'))).toBe(false);
  });

  it('shows a permission asked before the page was opened, and answers it', async () => {
    const sessionID = await t.createSession('Asked while nobody watched');
    t.model.enqueue(
      {
        toolCalls: [
          {
            name: 'bash',
            arguments: { command: 'echo pending-$((40 + 2))', description: 'Print a word' },
          },
        ],
      },
      { text: 'Answered from the page.' },
    );
    await t.promptAsync(sessionID, 'Run it when someone allows');
    await t.waitForEvent('permission.asked', sessionID);

    await page.goto(`${t.url}/#${sessionID}`);
    await page.getByTestId('permission-allow-once').click();
    await assistantSaying('Answered from the page.').waitFor();
    await toolPart('bash').filter({ hasText: 'pending-42' }).waitFor();
    await t.waitForIdle(sessionID);
  });

  it('shows the same sessions and messages after a reload', async () => {
    t.model.enqueue(
      { toolCalls: [{ name: 'read', arguments: { filePath: 'notes.txt' } }] },
      { text: 'Read before the reload.' },
    );
    await open();
    const sessionID = await promptInNewSession('Read the notes, then I reload');
    await assistantSaying('Read before the reload.').waitFor();
    await t.waitForIdle(sessionID);

    const snapshot = async () => ({
      sessions: await page.getByTestId('session-item').allInnerTexts(),
      user: await page.getByTestId('message-user').allInnerTexts(),
      assistant: (await page.getByTestId('message-assistant').count()) > 0,
      tools: await page.getByTestId('tool-part').count(),
    });
    const before = await snapshot();
    expect(before.user).toHaveLength(1);

    await page.reload();
    await assistantSaying('Read before the reload.').waitFor();
    await page
      .getByTestId('session-item')
      .nth(before.sessions.length - 1)
      .waitFor();
    expect(await snapshot()).toEqual(before);
  });

  it('shows the file an edit turn changed in the diff view', async () => {
    t.model.enqueue(
      { toolCalls: [{ name: 'read', arguments: { filePath: 'notes.txt' } }] },
      {
        toolCalls: [
          {
            name: 'edit',
            arguments: { filePath: 'notes.txt', oldString: 'beta', newString: 'BETA-edited' },
          },
        ],
      },
      { text: 'Edited the notes.' },
    );
    await open();
    const sessionID = await promptInNewSession('Shout the second note');
    await assistantSaying('Edited the notes.').waitFor();
    await t.waitForIdle(sessionID);
    expect(readFileSync(join(t.directory, 'notes.txt'), 'utf8')).toContain('BETA-edited');

    await page.getByRole('button', { name: 'Changes', exact: true }).click();
    const diff = page.getByTestId('diff-view');
    await diff.filter({ hasText: 'notes.txt' }).waitFor();
    await diff.filter({ hasText: '+BETA-edited' }).waitFor();
    await diff.filter({ hasText: '-beta' }).waitFor();
  });
});
