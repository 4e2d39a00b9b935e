import type { Page } from 'playwright-core';

/**
 * Opens the client's terminal panel as a person would (its button) and waits until the shell has
 * written something over the PTY's WebSocket, so keystrokes reach a shell, not a socket still
 * connecting.
 */
export async function openTerminal(page: Page): Promise<void> {
  const socket = page.waitForEvent('websocket', (ws) => ws.url().includes('/pty/'));
  await page.getByRole('button', { name: 'Terminal', exact: true }).click();
  await page.getByTestId('terminal').waitFor();
  await (await socket).waitForEvent('framereceived');
}

/** Types `command` and Enter into the open terminal, then waits for `expected` in it. */
export async function runInTerminal(page: Page, command: string, expected: string): Promise<void> {
  const terminal = page.getByTestId('terminal');
  await terminal.click();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await terminal.filter({ hasText: expected }).waitFor();
}
