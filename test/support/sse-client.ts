import http from 'node:http';

export interface SseFrame {
  id?: string;
  event?: string;
  data: unknown;
}

export interface SseClient {
  frames: SseFrame[];
  /** Status and headers of the response. */
  response: Promise<http.IncomingMessage>;
  /** Resolves with the first frame (already received or coming) that matches. */
  waitFor(predicate: (frame: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** A minimal SSE reader over node:http for tests: parses `id:` / `event:` / `data:` frames. */
export function connectSse(url: string, headers: Record<string, string> = {}): SseClient {
  const frames: SseFrame[] = [];
  const waiters: Array<{ predicate: (f: SseFrame) => boolean; resolve: (f: SseFrame) => void }> =
    [];
  let resolveEnded!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  let resolveResponse!: (res: http.IncomingMessage) => void;
  let rejectResponse!: (error: Error) => void;
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    resolveResponse = resolve;
    rejectResponse = reject;
  });
  const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
    resolveResponse(res);
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let index: number;
      while ((index = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        const frame = parseFrame(block);
        if (!frame) continue;
        frames.push(frame);
        for (const waiter of [...waiters]) {
          if (waiter.predicate(frame)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(frame);
          }
        }
      }
    });
    res.on('end', () => resolveEnded());
    res.on('close', () => resolveEnded());
  });
  req.on('error', (error) => {
    rejectResponse(error);
    resolveEnded();
  });
  return {
    frames,
    response,
    ended,
    waitFor(predicate, timeoutMs = 5000) {
      const found = frames.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<SseFrame>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching SSE frame within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          predicate,
          resolve: (frame) => {
            clearTimeout(timer);
            resolve(frame);
          },
        });
      });
    },
    close: () => req.destroy(),
  };
}

function parseFrame(block: string): SseFrame | undefined {
  let id: string | undefined;
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('id:')) id = line.slice(3).trim();
    else if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return undefined;
  const text = data.join('\n');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Non-JSON data stays a string.
  }
  return { id, event, data: parsed };
}

/** The `type` of a frame's bus event (`/event`) or wrapped payload (`/global/event`). */
export function frameType(frame: SseFrame): string | undefined {
  const data = frame.data as { type?: string; payload?: { type?: string } };
  return data.type ?? data.payload?.type;
}
