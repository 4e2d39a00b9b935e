import { mkdirSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gitRepo, tempDir, writeFiles } from '../../test/support/fixtures';
import {
  fetchInstructionUrl,
  findInstructionFiles,
  InstructionUrlCache,
  instructionsSection,
  MAX_INSTRUCTION_BYTES,
  MAX_TOTAL_INSTRUCTION_CHARS,
  readInstructionFile,
} from './instructions';

/** A project `<repo>` with the instance in `<repo>/packages/app`, and a fake home. */
function project(files: Record<string, string | Buffer> = {}) {
  const worktree = gitRepo({ 'README.md': '# test\n', ...files });
  const directory = join(worktree, 'packages', 'app');
  mkdirSync(directory, { recursive: true });
  const home = tempDir('opencode-home-');
  const find = (configured: string[], globalFiles: string[] = []) =>
    findInstructionFiles({ directory, worktree, home, globalFiles, configured });
  return { worktree, directory, home, find };
}

describe('findInstructionFiles', () => {
  it('reads every AGENTS.md from the directory up to the root, nearest first', async () => {
    const { worktree, directory, find } = project({
      'AGENTS.md': 'root agents',
      'packages/app/AGENTS.md': 'app agents',
      'packages/app/CLAUDE.md': 'app claude',
    });
    expect(await find([])).toEqual([
      { source: join(directory, 'AGENTS.md'), content: 'app agents' },
      { source: join(worktree, 'AGENTS.md'), content: 'root agents' },
    ]);
  });

  it('falls back to CLAUDE.md, then adds the first global file that exists', async () => {
    const { worktree, home, find } = project({ 'CLAUDE.md': 'root claude' });
    writeFiles(home, { 'b.md': 'global b', 'c.md': 'global c' });
    const globals = [join(home, 'a.md'), join(home, 'b.md'), join(home, 'c.md')];
    expect(await find([], globals)).toEqual([
      { source: join(worktree, 'CLAUDE.md'), content: 'root claude' },
      { source: join(home, 'b.md'), content: 'global b' },
    ]);
  });

  it('reads ~/ entries from the home directory, globs included', async () => {
    const { home, find } = project();
    writeFiles(home, {
      'plain.md': 'plain',
      'team/b.md': 'b',
      'team/a.md': 'a',
      'team/x.txt': 'x',
    });
    expect(await find(['~/plain.md', '~/team/*.md'])).toEqual([
      { source: join(home, 'plain.md'), content: 'plain' },
      { source: join(home, 'team', 'a.md'), content: 'a' },
      { source: join(home, 'team', 'b.md'), content: 'b' },
    ]);
  });

  it('expands an absolute glob into its matches, sorted', async () => {
    const { find } = project();
    const outside = tempDir();
    writeFiles(outside, {
      'team/z.md': 'z',
      'team/m.md': 'm',
      'team/sub/deep.md': 'deep',
      'other/a.md': 'other',
      'one.md': 'one',
    });
    expect(await find([`${outside}/team/*.md`, join(outside, 'one.md')])).toEqual([
      { source: join(outside, 'team', 'm.md'), content: 'm' },
      { source: join(outside, 'team', 'z.md'), content: 'z' },
      { source: join(outside, 'one.md'), content: 'one' },
    ]);
    expect((await find([`${outside}/*/*.md`])).map((item) => item.content)).toEqual([
      'other',
      'm',
      'z',
    ]);
  });

  it('looks relative paths and globs up from the directory to the project root', async () => {
    const { worktree, directory, find } = project({
      'CONTRIBUTING.md': 'root contributing',
      'packages/app/CONTRIBUTING.md': 'app contributing',
      'docs/rules/b.md': 'rule b',
      'docs/rules/a.md': 'rule a',
      'packages/app/docs/rules/local.md': 'local rule',
      'packages/one/AGENTS.md': 'one',
      'packages/two/AGENTS.md': 'two',
    });
    const found = await find(['CONTRIBUTING.md', 'docs/rules/*.md', 'packages/*/AGENTS.md']);
    expect(found).toEqual([
      { source: join(directory, 'CONTRIBUTING.md'), content: 'app contributing' },
      { source: join(worktree, 'CONTRIBUTING.md'), content: 'root contributing' },
      { source: join(directory, 'docs', 'rules', 'local.md'), content: 'local rule' },
      { source: join(worktree, 'docs', 'rules', 'a.md'), content: 'rule a' },
      { source: join(worktree, 'docs', 'rules', 'b.md'), content: 'rule b' },
      { source: join(worktree, 'packages', 'one', 'AGENTS.md'), content: 'one' },
      { source: join(worktree, 'packages', 'two', 'AGENTS.md'), content: 'two' },
    ]);
  });

  it('does not look above the project root, nor above the directory outside a git project', async () => {
    const parent = tempDir();
    writeFiles(parent, { 'rules.md': 'above', 'project/sub/.keep': '' });
    const directory = join(parent, 'project', 'sub');
    const home = tempDir();
    const inRepo = await findInstructionFiles({
      directory,
      worktree: join(parent, 'project'),
      home,
      globalFiles: [],
      configured: ['rules.md', '../../rules.md'],
    });
    // An explicit `..` still reaches out: the entry names that file.
    expect(inRepo.map((item) => item.content)).toEqual(['above']);
    const noGit = await findInstructionFiles({
      directory,
      worktree: '/',
      home,
      globalFiles: [],
      configured: ['rules.md'],
    });
    expect(noGit).toEqual([]);
  });

  it('leaves out files past the total cap, in order', async () => {
    const big = 'x'.repeat(200 * 1024);
    const { find } = project({ 'docs/a.md': big, 'docs/b.md': big, 'docs/c.md': big });
    const found = await find(['docs/*.md']);
    expect(found.map((item) => item.source.split('/').pop())).toEqual(['a.md', 'b.md']);
    expect(found.reduce((sum, item) => sum + item.content.length, 0)).toBeLessThanOrEqual(
      MAX_TOTAL_INSTRUCTION_CHARS,
    );
  });

  it('includes each real file once, AGENTS.md and symlinks included', async () => {
    const { worktree, directory, find } = project({
      'AGENTS.md': 'root agents',
      'packages/app/AGENTS.md': 'app agents',
      'docs/rules.md': 'rules',
    });
    symlinkSync(join(worktree, 'docs', 'rules.md'), join(worktree, 'docs', 'alias.md'));
    const found = await find([
      'AGENTS.md',
      'packages/*/AGENTS.md',
      'docs/rules.md',
      'docs/*.md',
      join(worktree, 'docs', 'rules.md'),
    ]);
    expect(found).toEqual([
      { source: join(directory, 'AGENTS.md'), content: 'app agents' },
      { source: join(worktree, 'AGENTS.md'), content: 'root agents' },
      { source: join(worktree, 'docs', 'rules.md'), content: 'rules' },
    ]);
  });

  it('passes over missing files, globs without matches, directories, binaries and URLs', async () => {
    const { worktree, find } = project({
      'docs/readme.md': 'docs',
      'image.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
    });
    expect(
      await find([
        'missing.md',
        'nothing/*.md',
        '/no/such/dir/*.md',
        '~/absent.md',
        'docs',
        'image.png',
        '',
        'https://example.invalid/rules.md',
        'docs/*.md',
      ]),
    ).toEqual([{ source: join(worktree, 'docs', 'readme.md'), content: 'docs' }]);
  });
});

describe('readInstructionFile', () => {
  it('cuts a very large file and says so', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'big.md': 'x'.repeat(MAX_INSTRUCTION_BYTES + 10), 'ok.md': 'small' });
    const big = await readInstructionFile(join(dir, 'big.md'));
    expect(big?.startsWith('x'.repeat(MAX_INSTRUCTION_BYTES))).toBe(true);
    expect(big?.slice(MAX_INSTRUCTION_BYTES)).toBe(
      '\n\n(Truncated: only the first 256 KB are included.)',
    );
    expect(await readInstructionFile(join(dir, 'ok.md'))).toBe('small');
    expect(await readInstructionFile(dir)).toBeUndefined();
  });
});

describe('fetchInstructionUrl', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      hits.push(request.url ?? '');
      switch (request.url) {
        case '/rules.md':
          response.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8' });
          response.end('# Team rules\nUse tabs. ✓');
          return;
        case '/big.txt':
          response.writeHead(200, { 'content-type': 'text/plain' });
          response.end('y'.repeat(MAX_INSTRUCTION_BYTES * 2));
          return;
        case '/image.png':
          response.writeHead(200, { 'content-type': 'image/png' });
          response.end(Buffer.from([0x89, 0x50]));
          return;
        case '/redirect':
          response.writeHead(302, { location: '/rules.md' });
          response.end();
          return;
        case '/hang':
          response.writeHead(200, { 'content-type': 'text/plain' });
          response.write('partial');
          return; // never ends
        default:
          response.writeHead(404, { 'content-type': 'text/plain' });
          response.end('not found');
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  it('returns the text of a 2xx text answer, following redirects', async () => {
    expect(await fetchInstructionUrl(`${base}/rules.md`)).toBe('# Team rules\nUse tabs. ✓');
    expect(await fetchInstructionUrl(`${base}/redirect`)).toBe('# Team rules\nUse tabs. ✓');
  });

  it('cuts a large body', async () => {
    const text = await fetchInstructionUrl(`${base}/big.txt`);
    expect(text).toBe(
      `${'y'.repeat(MAX_INSTRUCTION_BYTES)}\n\n(Truncated: only the first 256 KB are included.)`,
    );
  });

  it('refuses error statuses, non-text answers and unreachable hosts', async () => {
    await expect(fetchInstructionUrl(`${base}/missing.md`)).rejects.toThrow(
      'the server answered 404',
    );
    await expect(fetchInstructionUrl(`${base}/image.png`)).rejects.toThrow(
      'the response is not text (image/png)',
    );
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    await expect(fetchInstructionUrl(`http://127.0.0.1:${port}/x.md`)).rejects.toThrow();
  });

  it('gives up on a server that does not finish in time, or when cancelled', async () => {
    const started = Date.now();
    await expect(fetchInstructionUrl(`${base}/hang`, undefined, 300)).rejects.toThrow(
      'no complete answer within 0.3 s',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    const controller = new AbortController();
    const pending = fetchInstructionUrl(`${base}/hang`, controller.signal);
    controller.abort(new Error('instance disposed'));
    await expect(pending).rejects.toThrow('instance disposed');
  });
});

describe('InstructionUrlCache', () => {
  it('fetches a URL once until the entry expires, sharing a fetch in flight', async () => {
    let now = 1_000;
    const loads: string[] = [];
    const cache = new InstructionUrlCache(
      (url) => {
        loads.push(url);
        return Promise.resolve(loads.length % 2 === 0 ? undefined : `text ${loads.length}`);
      },
      60_000,
      () => now,
    );
    const [a, b] = await Promise.all([cache.get('https://a'), cache.get('https://a')]);
    expect([a, b]).toEqual(['text 1', 'text 1']);
    // A failure (undefined) is remembered as well.
    expect(await cache.get('https://b')).toBeUndefined();
    now += 59_999;
    expect(await cache.get('https://a')).toBe('text 1');
    expect(await cache.get('https://b')).toBeUndefined();
    expect(loads).toEqual(['https://a', 'https://b']);
    now += 1;
    expect(await cache.get('https://a')).toBe('text 3');
    expect(loads).toEqual(['https://a', 'https://b', 'https://a']);
  });
});

describe('instructionsSection', () => {
  it('labels each instruction with its source', () => {
    expect(
      instructionsSection([
        { source: '/repo/AGENTS.md', content: 'a' },
        { source: 'https://example.com/r.md', content: 'b' },
      ]),
    ).toEqual([
      'Instructions from: /repo/AGENTS.md\na',
      'Instructions from: https://example.com/r.md\nb',
    ]);
  });
});
