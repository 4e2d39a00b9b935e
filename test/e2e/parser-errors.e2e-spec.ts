import { connect, type Socket } from 'node:net';
import { startTestApp, TestApp } from '../support/test-app';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

interface Ending {
  /** The connection ended with the server's FIN, not a reset. */
  endedCleanly: boolean;
  error?: string;
}

/**
 * One keep-alive connection spoken to byte by byte, as a client library would: requests are
 * written as given, responses read one at a time by their Content-Length.
 */
class RawConnection {
  private buffer = Buffer.alloc(0);
  private wake?: () => void;
  private endedCleanly = false;
  private error?: string;
  readonly closed: Promise<Ending>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.on('end', () => {
      this.endedCleanly = true;
      this.wake?.();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.error = error.code ?? error.message;
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.wake?.();
        resolve({ endedCleanly: this.endedCleanly && !this.error, error: this.error });
      });
    });
  }

  static open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  send(text: string): void {
    // The server may have answered and hung up while a large request is still being written.
    this.socket.write(text, () => undefined);
  }

  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = this.take();
      if (parsed) return parsed;
      if (this.socket.destroyed || this.endedCleanly) {
        throw new Error(`connection closed (${this.error ?? 'end'}) before a whole response`);
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private take(): RawResponse | undefined {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return undefined;
    const text = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    return {
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: headers['content-type']?.startsWith('application/json') ? JSON.parse(text) : text,
    };
  }
}

const health = 'GET /global/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
/** A request line past Node's 16 KB header limit. */
const oversized = `GET /session?x=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;

function expectRefusal(response: RawResponse, status: number, name: string): void {
  expect(response.status).toBe(status);
  expect(response.headers.connection).toBe('close');
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.body).toEqual({ name, data: { message: expect.any(String) } });
}

describe('requests the HTTP parser refuses', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('an oversized request on a keep-alive connection gets a 431 JSON answer, then a clean end', async () => {
    const connection = await RawConnection.open(t.url);
    connection.send(health);
    const first = await connection.response();
    expect(first.status).toBe(200);
    expect(first.headers.connection).toBe('keep-alive');
    connection.send(oversized);
    const refusal = await connection.response();
    expectRefusal(refusal, 431, 'HeadersTooLargeError');
    expect(await connection.closed).toEqual({ endedCleanly: true });
  });

  it('a pipelined oversized request is refused after the answer before it', async () => {
    const connection = await RawConnection.open(t.url);
    connection.send(health + oversized);
    expect((await connection.response()).status).toBe(200);
    expectRefusal(await connection.response(), 431, 'HeadersTooLargeError');
    expect(await connection.closed).toEqual({ endedCleanly: true });
  });

  it.each([
    ['a malformed request line', 'GARBAGE\r\n\r\n'],
    ['a header line without a colon', 'GET /global/health HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n'],
    ['a bad HTTP version', 'GET /global/health HTTP/9.9x\r\n\r\n'],
  ])('%s gets a 400 BadRequest JSON answer, then a clean end', async (_name, request) => {
    const connection = await RawConnection.open(t.url);
    connection.send(request);
    expectRefusal(await connection.response(), 400, 'BadRequest');
    expect(await connection.closed).toEqual({ endedCleanly: true });
  });

  it('a new connection after a refusal is served', async () => {
    const connection = await RawConnection.open(t.url);
    connection.send(oversized);
    expectRefusal(await connection.response(), 431, 'HeadersTooLargeError');
    await connection.closed;
    const res = await fetch(`${t.url}/global/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ healthy: true });
  });

  it('a path that is not valid percent-encoding is a 400 in the error contract', async () => {
    const res = await fetch(`${t.url}/session/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      name: 'BadRequest',
      data: { message: expect.any(String), kind: 'Params' },
    });
  });

  it('a path parameter past the router limit is a 400 that does not echo it', async () => {
    const res = await fetch(`${t.url}/session/ses_${'a'.repeat(2000)}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { name: string; data: { message: string } };
    expect(body).toEqual({
      name: 'BadRequest',
      data: { message: expect.any(String), kind: 'Params' },
    });
    expect(body.data.message).not.toContain('aaaa');
  });
});
