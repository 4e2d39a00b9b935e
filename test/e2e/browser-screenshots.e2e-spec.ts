import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startAgentTestApp } from '../support/agent-app';
import { buildWebClient, launchBrowser, openPage } from '../support/browser';
import { openTerminal, runInTerminal } from '../support/browser-terminal';
import { gitRepo } from '../support/fixtures';

/**
 * Screenshots of the browser client's main screens, in light and dark, into docs/screenshots/
 * (the README shows one). They are rewritten only when asked, so a test run never changes the
 * repository:
 *
 *   OPENCODE_SCREENSHOTS=1 npx jest test/e2e/browser-screenshots
 */
const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
const describeWhenAsked = process.env.OPENCODE_SCREENSHOTS ? describe : describe.skip;

jest.setTimeout(120_000);

const PROJECT = {
  'README.md': '# calculator\n\nA tiny calculator.\n',
  'package.json': '{\n  "name": "calculator",\n  "scripts": { "test": "node --test" }\n}\n',
  'src/calc.ts': [
    'export function add(a: number, b: number): number {',
    '  return a + b;',
    '}',
    '',
    'export function divide(a: number, b: number): number {',
    '  return a / b;',
    '}',
    '',
  ].join('\n'),
};

describeWhenAsked('browser client screenshots', () => {
  let browser: Browser;
  let webClientDirectory: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    webClientDirectory = buildWebClient();
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it.each(['light', 'dark'] as const)('%s', async (scheme) => {
    const t = await startAgentTestApp({
      directory: gitRepo(PROJECT),
      config: { permission: { bash: 'ask' } },
      webClientDirectory,
    });
    const tab = await openPage(browser, { colorScheme: scheme });
    const { page } = tab;
    const shoot = (name: string) =>
      page.screenshot({ path: join(SCREENSHOTS, `${name}-${scheme}.png`) });
    try {
      await page.goto(`${t.url}/`);
      await page.getByTestId('session-new').waitFor();

      // A turn with reasoning, two tool calls and an answer: the session screen, then its diff.
      t.model.enqueue(
        {
          reasoning: 'divide() has no guard for a zero divisor. I will read the file first.',
          toolCalls: [{ name: 'read', arguments: { filePath: 'src/calc.ts' } }],
        },
        {
          toolCalls: [
            {
              name: 'edit',
              arguments: {
                filePath: 'src/calc.ts',
                oldString: '  return a / b;',
                newString:
                  "  if (b === 0) throw new RangeError('division by zero');\n  return a / b;",
              },
            },
          ],
        },
        {
          text:
            '`divide()` now throws a `RangeError` when the divisor is zero, instead of ' +
            'returning `Infinity` or `NaN`. `add()` is unchanged.',
        },
      );
      const sessionID = await prompt(page, 'Make divide() refuse a zero divisor');
      await page
        .getByTestId('message-assistant')
        .filter({ hasText: 'instead of returning' })
        .waitFor();
      await t.waitForIdle(sessionID);
      await t.http
        .patch(`/session/${sessionID}`)
        .send({ title: 'Guard divide() against zero' })
        .expect(200);
      await page.getByRole('heading', { name: 'Guard divide() against zero' }).waitFor();
      // The edit's call opened, to show a tool's input and output.
      await page.getByTestId('tool-part').filter({ hasText: 'edit' }).locator('summary').click();
      await shoot('session');

      await page.getByRole('button', { name: 'Changes', exact: true }).click();
      await page.getByTestId('diff-view').filter({ hasText: 'division by zero' }).waitFor();
      await shoot('diff');
      await page.getByRole('button', { name: 'Changes', exact: true }).click();

      // A permission ask, waiting for an answer.
      t.model.enqueue({
        toolCalls: [
          {
            name: 'bash',
            arguments: { command: 'npm test', description: 'Run the test suite' },
          },
        ],
      });
      const asking = await prompt(page, 'Run the tests');
      await page.getByTestId('permission-allow-once').waitFor();
      await t.http.patch(`/session/${asking}`).send({ title: 'Run the tests' }).expect(200);
      await page.getByRole('heading', { name: 'Run the tests' }).waitFor();
      await shoot('permission');
      await page.getByTestId('permission-reject').click();
      await page.getByTestId('permission-reject').waitFor({ state: 'detached' });

      // The terminal panel, with a command's output, under the first session.
      await page.getByTestId('session-item').filter({ hasText: 'Guard divide()' }).click();
      await page
        .getByTestId('message-assistant')
        .filter({ hasText: 'instead of returning' })
        .waitFor();
      await openTerminal(page);
      await runInTerminal(page, 'git log --stat --oneline | cat', 'initial');
      await shoot('terminal');
    } finally {
      await tab.close();
      await t.close();
    }
  });
});

/** Starts a session from the page, sends `text` and returns the session's id. */
async function prompt(page: Page, text: string): Promise<string> {
  await page.getByTestId('session-new').click();
  await page.waitForURL(/#ses_/);
  await page.getByTestId('prompt-input').fill(text);
  await page.getByTestId('prompt-submit').click();
  await page.getByTestId('message-user').filter({ hasText: text }).waitFor();
  return decodeURIComponent(new URL(page.url()).hash.slice(1));
}
