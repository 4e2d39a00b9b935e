import type { Page, WebSocket } from 'playwright-core';

/**
 * Opens the client's terminal panel as a person would (its button) and waits until the shell has
 * written something over the PTY's WebSocket, so keystrokes reach a shell, not a socket still
 * connecting.
 */
export async function openTerminal(page: Page): Promise<void> {
  // The frame listener is attached as the socket opens: attached later, it could miss the only
  // frames a quiet shell sends (its replay and prompt) and wait for ever.
  const firstFrame = new Promise<void>((resolve) => {
    const onSocket = (ws: WebSocket) => {
      if (!ws.url().includes('/pty/')) return;
      page.off('websocket', onSocket);
      ws.once('framereceived', () => resolve());
    };
    page.on('websocket', onSocket);
  });
  await page.getByRole('button', { name: 'Terminal', exact: true }).click();
  await page.getByTestId('terminal').waitFor();
  await firstFrame;
}

/** Types `command` and Enter into the open terminal, then waits for `expected` in it. */
export async function runInTerminal(page: Page, command: string, expected: string): Promise<void> {
  const terminal = page.getByTestId('terminal');
  await terminal.click();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await terminal.filter({ hasText: expected }).waitFor();
}
