import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeToolContext } from '../../../test/support/fake-tool-context';
import { tempDir } from '../../../test/support/fixtures';
import { webfetchTool } from './webfetch.tool';

const PAGE = `<!doctype html><html><head><title>Doc</title><style>body { color: red }</style>
<script>window.secret = "do not show";</script></head>
<body><h1>Guide</h1><p>Read the <a href="https://example.test/api">API</a> &amp; enjoy.</p>
<ul><li>one</li><li>two</li></ul></body></html>`;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('webfetch tool', () => {
  let server: Server;
  let base: string;
  let requests: string[];
  const routes: Record<string, Handler> = {
    '/page': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
    },
    '/plain': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('just text <b>kept</b>');
    },
    '/image': (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    },
    '/missing': (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no');
    },
    '/declared-huge': (_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/plain',
        'content-length': String(6 * 1024 * 1024),
      });
      res.write('x'.repeat(1024));
      // Never finishes: the tool must refuse from the header alone.
    },
    '/streamed-huge': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }); // chunked, no length
      const chunk = 'y'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 6 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    },
    '/slow': (_req, res) => {
      const timer = setTimeout(() => res.end('late'), 5000);
      res.on('close', () => clearTimeout(timer));
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const handler = routes[req.url ?? ''];
      if (handler) handler(req, res);
      else res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    requests = [];
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const ctx = () => fakeToolContext(tempDir());

  it('refuses anything but http and https, before asking', async () => {
    const context = ctx();
    for (const url of [
      'file:///etc/passwd',
      'ftp://127.0.0.1/x',
      'javascript:alert(1)',
      'data:text/plain,hi',
    ]) {
      await expect(webfetchTool.execute({ url, format: 'markdown' }, context)).rejects.toThrow(
        /only http:\/\/ and https:\/\/ URLs can be fetched/,
      );
    }
    await expect(
      webfetchTool.execute({ url: 'not a url', format: 'markdown' }, context),
    ).rejects.toThrow(/Invalid URL/);
    expect(context.asked).toEqual([]);
  });

  it('asks the webfetch permission with the URL, and fetches nothing when rejected', async () => {
    const url = `${base}/page`;
    const allowed = ctx();
    await webfetchTool.execute({ url, format: 'markdown', timeout: 10 }, allowed);
    expect(allowed.asked).toEqual([
      {
        permission: 'webfetch',
        patterns: [url],
        always: ['*'],
        metadata: { url, format: 'markdown', timeout: 10 },
      },
    ]);
    requests = [];
    const rejecting = fakeToolContext(tempDir(), { answer: () => false });
    await expect(
      webfetchTool.execute({ url, format: 'markdown' }, rejecting),
    ).rejects.toMatchObject({
      name: 'PermissionRejectedError',
    });
    expect(requests).toEqual([]);
  });

  it('converts HTML to markdown, without scripts and styles', async () => {
    const result = await webfetchTool.execute({ url: `${base}/page`, format: 'markdown' }, ctx());
    expect(result.output).toContain('# Guide');
    expect(result.output).toContain('Read the [API](https://example.test/api) & enjoy.');
    expect(result.output).toMatch(/- +one\n- +two/);
    expect(result.output).not.toContain('secret');
    expect(result.output).not.toContain('color: red');
    expect(result.title).toBe(`${base}/page (text/html; charset=utf-8)`);
  });

  it('strips HTML to text, or returns it as served', async () => {
    const text = await webfetchTool.execute({ url: `${base}/page`, format: 'text' }, ctx());
    expect(text.output).toBe('Guide\n\nRead the API & enjoy.\n\none\n\ntwo');
    const html = await webfetchTool.execute({ url: `${base}/page`, format: 'html' }, ctx());
    expect(html.output).toBe(PAGE);
  });

  it('returns non-HTML content unchanged, and images as attachments', async () => {
    const plain = await webfetchTool.execute({ url: `${base}/plain`, format: 'markdown' }, ctx());
    expect(plain.output).toBe('just text <b>kept</b>');
    const image = await webfetchTool.execute({ url: `${base}/image`, format: 'markdown' }, ctx());
    expect(image.output).toBe('Image fetched successfully');
    expect(image.attachments).toEqual([
      { mime: 'image/png', url: 'data:image/png;base64,iVBORw==' },
    ]);
  });

  it('reports an error status', async () => {
    await expect(
      webfetchTool.execute({ url: `${base}/missing`, format: 'text' }, ctx()),
    ).rejects.toThrow(/failed with status 404/);
  });

  it('refuses responses over 5 MB, by declared length or as they stream', async () => {
    await expect(
      webfetchTool.execute({ url: `${base}/declared-huge`, format: 'text' }, ctx()),
    ).rejects.toThrow(/exceeds the 5 MB limit/);
    await expect(
      webfetchTool.execute({ url: `${base}/streamed-huge`, format: 'text' }, ctx()),
    ).rejects.toThrow(/exceeds the 5 MB limit/);
  });

  it('gives up after the timeout', async () => {
    const started = Date.now();
    await expect(
      webfetchTool.execute({ url: `${base}/slow`, format: 'text', timeout: 0.3 }, ctx()),
    ).rejects.toThrow(/timed out after 0.3 seconds/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops when the turn is aborted, with the abort reason', async () => {
    const context = ctx();
    const reason = new Error('turn aborted');
    const pending = webfetchTool.execute({ url: `${base}/slow`, format: 'text' }, context);
    setTimeout(() => context.abortTurn(reason), 100);
    await expect(pending).rejects.toBe(reason);
  });

  it('explains a connection failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      webfetchTool.execute({ url: `http://127.0.0.1:${port}/`, format: 'text' }, ctx()),
    ).rejects.toThrow(/failed: fetch failed \(.*ECONNREFUSED/);
  });
});
