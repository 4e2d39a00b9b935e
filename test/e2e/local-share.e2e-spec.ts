import type { Session } from '../../src/session/dto/session.dto';
import { ShareRepository } from '../../src/share/share.repository';
import { launchBrowser, openPage } from '../support/browser';
import { gitRepo } from '../support/fixtures';
import { SessionFactory } from '../support/session-factory';
import { startTestApp, type TestApp } from '../support/test-app';

const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert(2)"> & '"</p>`;

interface SharedSession {
  session: Session;
  messages: Array<{ info: { id: string }; parts: Array<{ type: string }> }>;
}

function shareIdOf(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

describe('Local share (OPENCODE_SHARE_URL=local)', () => {
  let t: TestApp;
  let factory: SessionFactory;

  beforeAll(async () => {
    t = await startTestApp({ env: { OPENCODE_SHARE_URL: 'local' } });
    factory = await SessionFactory.create(t.app, t.directory);
  });
  afterAll(() => t.close());

  async function sharedSession(title = 'Shared here'): Promise<{ id: string; url: string }> {
    const session = (await t.http.post('/session').send({ title }).expect(200)).body as Session;
    const [user] = factory.save(factory.userMessage(session.id, 'hello there'));
    factory.save(factory.assistantMessage(session.id, user.info.id, 'general kenobi'));
    const shared = (await t.http.post(`/session/${session.id}/share`).expect(200)).body as Session;
    return { id: session.id, url: shared.share!.url };
  }

  it('shares at <origin>/share/<id>: an unguessable id, nothing sent anywhere', async () => {
    const a = await sharedSession();
    const b = await sharedSession();
    expect(a.url).toMatch(new RegExp(`^${t.url}/share/[A-Za-z0-9_-]{32}$`));
    expect(shareIdOf(a.url)).not.toBe(shareIdOf(b.url));
    // The session says so, and sharing again answers the same link.
    const session = (await t.http.get(`/session/${a.id}`).expect(200)).body as Session;
    expect(session.share).toEqual({ url: a.url });
    const again = (await t.http.post(`/session/${a.id}/share`).expect(200)).body as Session;
    expect(again.share).toEqual({ url: a.url });
  });

  it('names the origin the client reached: Host, or X-Forwarded-Host/-Proto from a proxy', async () => {
    const create = async () =>
      ((await t.http.post('/session').send({}).expect(200)).body as Session).id;
    const viaHost = await t.http
      .post(`/session/${await create()}/share`)
      .set('host', 'opencode.example:8443')
      .expect(200);
    expect((viaHost.body as Session).share!.url).toMatch(
      /^http:\/\/opencode\.example:8443\/share\//,
    );
    const viaProxy = await t.http
      .post(`/session/${await create()}/share`)
      .set('x-forwarded-host', 'share.example')
      .set('x-forwarded-proto', 'https')
      .expect(200);
    expect((viaProxy.body as Session).share!.url).toMatch(/^https:\/\/share\.example\/share\//);
    // A malformed host is not copied into the link: the listening address is used.
    const malformed = await t.http
      .post(`/session/${await create()}/share`)
      .set('x-forwarded-host', 'evil.example/"><script>')
      .expect(200);
    expect((malformed.body as Session).share!.url).toMatch(new RegExp(`^${t.url}/share/`));
  });

  it('serves the conversation as a read-only HTML page with a strict CSP', async () => {
    const { url } = await sharedSession('Page title');
    const page = await t.http.get(new URL(url).pathname).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('script-src');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('<h1>Page title</h1>');
    expect(page.text).toContain('hello there');
    expect(page.text).toContain('general kenobi');
    expect(page.text).not.toMatch(/<script/i);
    // HEAD answers the same way.
    const head = await t.http.head(new URL(url).pathname).expect(200);
    expect(head.headers['content-type']).toMatch(/^text\/html/);
  });

  it('escapes everything from the conversation: no markup or script gets in', async () => {
    const session = (await t.http.post('/session').send({ title: HOSTILE }).expect(200))
      .body as Session;
    const [user] = factory.save(factory.userMessage(session.id, HOSTILE));
    factory.save(factory.everyPartType(session.id, user.info.id));
    const shared = (await t.http.post(`/session/${session.id}/share`).expect(200)).body as Session;
    const page = await t.http.get(new URL(shared.share!.url).pathname).expect(200);
    expect(page.text).not.toMatch(/<script|<img|onerror="/i);
    expect(page.text).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt; &amp; &#39;&quot;&lt;/p&gt;',
    );
    // Only the page's own elements: every tag is one the renderer writes.
    const tags = new Set([...page.text.matchAll(/<\/?([a-z0-9]+)/gi)].map((m) => m[1]));
    const allowed =
      'html head meta title style body header h1 h2 p main article div details summary pre';
    expect([...tags].filter((tag) => !allowed.split(' ').includes(tag))).toEqual([]);
  });

  it('renders in a browser with its style applied, nothing blocked and nothing run', async () => {
    const session = (await t.http.post('/session').send({ title: HOSTILE }).expect(200))
      .body as Session;
    const [user] = factory.save(factory.userMessage(session.id, HOSTILE));
    factory.save(factory.everyPartType(session.id, user.info.id));
    const shared = (await t.http.post(`/session/${session.id}/share`).expect(200)).body as Session;
    const browser = await launchBrowser();
    try {
      const tab = await openPage(browser);
      const dialogs: string[] = [];
      tab.page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await tab.page.goto(shared.share!.url);
      await tab.page.locator('details summary').first().click();
      // The hash-pinned style sheet applies (a CSP refusal would be a console error and no style).
      const maxWidth = await tab.page.evaluate<string>('getComputedStyle(document.body).maxWidth');
      expect(maxWidth).not.toBe('none');
      expect(await tab.page.locator('h1').innerText()).toBe(HOSTILE);
      expect(await tab.page.locator('script, img').count()).toBe(0);
      expect(dialogs).toEqual([]);
      expect(tab.consoleErrors).toEqual([]);
      expect(tab.pageErrors).toEqual([]);
      expect(tab.requests).toEqual([shared.share!.url]);
      await tab.close();
    } finally {
      await browser.close();
    }
  });

  it('answers its JSON at /share/:id/data: the session and its messages with parts', async () => {
    const { id, url } = await sharedSession();
    const res = await t.http.get(`${new URL(url).pathname}/data`).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const data = res.body as SharedSession;
    expect(data.session).toMatchObject({ id, share: { url } });
    expect(data.messages).toHaveLength(2);
    expect(data.messages[0].parts.map((part) => part.type)).toEqual(['text']);
    expect(data.messages[1].parts.length).toBeGreaterThan(1);
  });

  it('answers 404 on both routes once unshared, and a new share gets a new id', async () => {
    const { id, url } = await sharedSession();
    const path = new URL(url).pathname;
    await t.http.get(path).expect(200);
    const unshared = (await t.http.delete(`/session/${id}/share`).expect(200)).body as Session;
    expect(unshared.share).toBeUndefined();
    await t.http.get(path).expect(404);
    await t.http.get(`${path}/data`).expect(404);
    const again = (await t.http.post(`/session/${id}/share`).expect(200)).body as Session;
    expect(again.share!.url).not.toBe(url);
    await t.http.get(path).expect(404);
    await t.http.get(new URL(again.share!.url).pathname).expect(200);
  });

  it('answers 404 once the session is deleted', async () => {
    const { id, url } = await sharedSession();
    await t.http.delete(`/session/${id}`).expect(200);
    const res = await t.http.get(`${new URL(url).pathname}/data`).expect(404);
    expect(res.body).toEqual({ name: 'NotFoundError', data: { message: 'Share not found' } });
  });

  it('answers nothing else under /share: unknown ids, remote shares, other paths', async () => {
    await t.http.get('/share/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(404);
    await t.http.get('/share/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/data').expect(404);
    // A share made at a share service is never served here, even by its id.
    const { id } = await sharedSession();
    t.app.get(ShareRepository).save({
      sessionID: id,
      shareID: 'remoteShareId',
      secret: 'remote-secret',
      url: 'https://opncd.example/share/remoteShareId',
      baseUrl: 'https://opncd.example',
      timeCreated: Date.now(),
    });
    await t.http.get('/share/remoteShareId').expect(404);
    await t.http.get('/share/remoteShareId/data').expect(404);
    await t.http.get('/share').expect(404);
    await t.http.get('/share/x/y').expect(404);
    const malformed = await t.http.get('/share/a.b').expect(400);
    expect(JSON.stringify(malformed.body)).toContain('shareID');
  });
});

describe('Local share: no credentials needed, the link is the credential', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: { OPENCODE_SHARE_URL: 'local', OPENCODE_SERVER_PASSWORD: 'pw-123' },
    });
  });
  afterAll(() => t.close());

  it('opens the page and its data without the password; everything else still needs it', async () => {
    const auth = { Authorization: `Basic ${Buffer.from('opencode:pw-123').toString('base64')}` };
    const session = (await t.http.post('/session').set(auth).send({}).expect(200)).body as Session;
    await t.http.post(`/session/${session.id}/share`).expect(401);
    const shared = (await t.http.post(`/session/${session.id}/share`).set(auth).expect(200))
      .body as Session;
    const path = new URL(shared.share!.url).pathname;
    await t.http.get(path).expect(200);
    await t.http.head(path).expect(200);
    await t.http.get(`${path}/data`).expect(200);
    await t.http.get(`/session/${session.id}`).expect(401);
    await t.http.get(`/session/${session.id}/message`).expect(401);
  });
});

describe('Local share: share "auto", enterprise.url and restarts', () => {
  it('shares new sessions here at the listening address, and the link survives a restart', async () => {
    // A project's share service does not take the conversation away from a local-share server.
    const directory = gitRepo({
      'opencode.json': JSON.stringify({ share: 'auto', enterprise: { url: 'http://127.0.0.1:9' } }),
    });
    const before = await startTestApp({ directory, env: { OPENCODE_SHARE_URL: 'local' } });
    let url: string;
    try {
      const session = (await before.http.post('/session').send({}).expect(200)).body as Session;
      const deadline = Date.now() + 5000;
      for (;;) {
        const current = (await before.http.get(`/session/${session.id}`).expect(200))
          .body as Session;
        if (current.share) {
          url = current.share.url;
          break;
        }
        if (Date.now() > deadline) throw new Error('not shared automatically');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(url).toMatch(new RegExp(`^${before.url}/share/`));
    } finally {
      await before.close();
    }
    const after = await startTestApp({ directory, home: before.home });
    try {
      const data = await after.http.get(`${new URL(url).pathname}/data`).expect(200);
      expect((data.body as SharedSession).session.share).toEqual({ url });
    } finally {
      await after.close();
    }
  });
});
