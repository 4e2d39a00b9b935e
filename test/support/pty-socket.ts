import WebSocket from 'ws';

/** One frame a terminal's WebSocket sent: output (text) or a control message (binary). */
export type PtyFrame = { kind: 'text'; text: string } | { kind: 'control'; message: unknown };

export interface PtySocket {
  socket: WebSocket;
  frames: PtyFrame[];
  /** Everything received as text so far, joined. */
  text(): string;
  /** Resolves once the text received (so far or later) matches. */
  waitForText(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Resolves with the first control message (received already or coming). */
  control(timeoutMs?: number): Promise<{ cursor: number }>;
  send(data: string | Buffer): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** What a refused upgrade answered. */
export interface PtyRefusal {
  status: number;
  body: string;
}

/**
 * Opens a terminal's WebSocket (`ws://…/pty/:id/connect…`); resolves once open, or with the HTTP
 * answer when the server refuses the upgrade.
 */
export function openPtySocket(
  url: string,
  headers: Record<string, string> = {},
): Promise<PtySocket | PtyRefusal> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), { headers });
    const frames: PtyFrame[] = [];
    const listeners = new Set<() => void>();
    const notify = () => listeners.forEach((listener) => listener());
    const text = () => frames.map((frame) => (frame.kind === 'text' ? frame.text : '')).join('');
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        if (data[0] !== 0) throw new Error(`control frame without its 0 byte: ${data.toString()}`);
        frames.push({ kind: 'control', message: JSON.parse(data.subarray(1).toString('utf8')) });
      } else {
        frames.push({ kind: 'text', text: data.toString('utf8') });
      }
      notify();
    });
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      socket.on('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    const until = <T>(read: () => T | undefined, what: string, timeoutMs = 10_000) =>
      new Promise<T>((done, fail) => {
        const check = () => {
          const value = read();
          if (value === undefined) return;
          listeners.delete(check);
          clearTimeout(timer);
          done(value);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          fail(new Error(`timed out waiting for ${what}; received: ${JSON.stringify(frames)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.on('error', (error) => reject(error));
    socket.on('open', () =>
      resolve({
        socket,
        frames,
        text,
        waitForText: (pattern, timeoutMs) =>
          until(
            () => {
              const all = text();
              return (typeof pattern === 'string' ? all.includes(pattern) : pattern.test(all))
                ? all
                : undefined;
            },
            `text ${String(pattern)}`,
            timeoutMs,
          ),
        control: (timeoutMs) =>
          until(
            () =>
              frames.find((frame) => frame.kind === 'control')?.message as
                { cursor: number } | undefined,
            'a control frame',
            timeoutMs,
          ),
        send: (data) => socket.send(data),
        closed,
        close: () => socket.close(),
      }),
    );
  });
}

export function isRefusal(result: PtySocket | PtyRefusal): result is PtyRefusal {
  return 'status' in result;
}

/** Opens a socket that must open. */
export async function mustOpen(
  url: string,
  headers: Record<string, string> = {},
): Promise<PtySocket> {
  const result = await openPtySocket(url, headers);
  if (isRefusal(result)) throw new Error(`refused ${result.status}: ${result.body}`);
  return result;
}

/** Opens a socket that must be refused before the upgrade; resolves with the answer. */
export async function mustRefuse(
  url: string,
  headers: Record<string, string> = {},
): Promise<PtyRefusal> {
  const result = await openPtySocket(url, headers);
  if (!isRefusal(result)) {
    result.close();
    throw new Error('the upgrade was accepted');
  }
  return result;
}

/** Whether a process is alive (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `check` holds (or fails after `timeoutMs`). */
export async function eventually(
  check: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
