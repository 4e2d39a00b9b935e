import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, tempDir, writeFiles } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

// The smallest valid PNG: a 1x1 transparent pixel.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
const NUL_BYTES = Buffer.from([0x68, 0x69, 0x00, 0x01, 0x02, 0xff]);
const SECRET = 'TOP-SECRET-OUTSIDE-THE-PROJECT';

interface FileNode {
  name: string;
  path: string;
  absolute: string;
  type: 'file' | 'directory';
  ignored: boolean;
}

/**
 * A git project with ignored, binary, nested, unicode, changed, added and deleted files, and
 * symlinks that lead out of it (to a file and to a directory holding a secret).
 */
function fixture(): { project: string; outside: string } {
  const outside = tempDir('opencode-outside-');
  writeFiles(outside, { 'secret.txt': `${SECRET}\nsecond line\nthird line\n` });
  const project = gitRepo({
    '.gitignore': '*.log\nbuild/\n',
    'README.md': '# demo\n',
    'src/index.ts': 'export const a = 1;\n',
    'src/nested/deep/util.py': 'def util():\n    return 1\n',
    'changed.txt': 'one\ntwo\nthree\n',
    'deleted.txt': 'gone\nsoon\n',
    'ünï/文字.md': 'héllo wörld ✓\n',
    'images/pixel.png': PNG,
    'data/blob.bin': NUL_BYTES,
  });
  writeFiles(project, {
    'changed.txt': 'one\nTWO\nthree\nfour\n',
    'new.txt': 'fresh\nfile\n',
    'debug.log': 'ignored\n',
    'build/out.js': 'ignored\n',
  });
  rmSync(join(project, 'deleted.txt'));
  symlinkSync(join(outside, 'secret.txt'), join(project, 'link-out'));
  symlinkSync(outside, join(project, 'dir-out'));
  symlinkSync(join(project, 'src/index.ts'), join(project, 'link-in.ts'));
  return { project, outside };
}

describe('files: GET /file, /file/content, /file/status', () => {
  let t: TestApp;
  let project: string;
  let outside: string;

  beforeAll(async () => {
    ({ project, outside } = fixture());
    t = await startTestApp({ directory: project });
  });
  afterAll(async () => {
    await t.close();
    rmSync(project, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  describe('GET /file', () => {
    it('lists one directory: directories first, then names, with ignore flags', async () => {
      const res = await t.http.get('/file').query({ path: '' }).expect(200);
      const nodes = res.body as FileNode[];
      expect(nodes.map((n) => `${n.type === 'directory' ? 'd' : 'f'} ${n.name}`)).toEqual([
        'd build',
        'd data',
        'd dir-out',
        'd images',
        'd src',
        'd ünï',
        'f .gitignore',
        'f changed.txt',
        'f debug.log',
        'f link-in.ts',
        'f link-out',
        'f new.txt',
        'f README.md',
      ]);
      expect(nodes.find((n) => n.name === 'build')).toEqual({
        name: 'build',
        path: 'build',
        absolute: join(project, 'build'),
        type: 'directory',
        ignored: true,
      });
      expect(nodes.find((n) => n.name === 'debug.log')?.ignored).toBe(true);
      expect(nodes.find((n) => n.name === 'src')?.ignored).toBe(false);
      expect(nodes.map((n) => n.name)).not.toContain('.git');
    });

    it('lists nested directories with project-relative paths', async () => {
      const res = await t.http.get('/file').query({ path: 'src/nested' }).expect(200);
      expect(res.body).toEqual([
        {
          name: 'deep',
          path: 'src/nested/deep',
          absolute: join(project, 'src/nested/deep'),
          type: 'directory',
          ignored: false,
        },
      ]);
      const unicode = await t.http.get('/file').query({ path: 'ünï' }).expect(200);
      expect((unicode.body as FileNode[]).map((n) => n.path)).toEqual(['ünï/文字.md']);
    });

    it('answers 404 for a missing directory or a file', async () => {
      for (const path of ['missing', 'README.md']) {
        const res = await t.http.get('/file').query({ path }).expect(404);
        expect(res.body.name).toBe('NotFoundError');
      }
    });
  });

  describe('GET /file/content', () => {
    it('returns text exactly, trailing newline and unicode included', async () => {
      await t.http
        .get('/file/content')
        .query({ path: 'README.md' })
        .expect(200, { type: 'text', content: '# demo\n' });
      await t.http
        .get('/file/content')
        .query({ path: 'ünï/文字.md' })
        .expect(200, { type: 'text', content: 'héllo wörld ✓\n' });
    });

    it('returns an image as base64 with its MIME type, as the reference does', async () => {
      await t.http
        .get('/file/content')
        .query({ path: 'images/pixel.png' })
        .expect(200, {
          type: 'text',
          content: PNG.toString('base64'),
          encoding: 'base64',
          mimeType: 'image/png',
        });
    });

    it('returns a file with NUL bytes as a base64 binary', async () => {
      await t.http
        .get('/file/content')
        .query({ path: 'data/blob.bin' })
        .expect(200, {
          type: 'binary',
          content: NUL_BYTES.toString('base64'),
          encoding: 'base64',
          mimeType: 'application/octet-stream',
        });
    });

    it('adds the diff and patch of a changed tracked file', async () => {
      const res = await t.http.get('/file/content').query({ path: 'changed.txt' }).expect(200);
      expect(res.body).toEqual({
        type: 'text',
        content: 'one\nTWO\nthree\nfour\n',
        patch: {
          oldFileName: 'changed.txt',
          newFileName: 'changed.txt',
          oldHeader: 'old',
          newHeader: 'new',
          hunks: [
            {
              oldStart: 1,
              oldLines: 3,
              newStart: 1,
              newLines: 4,
              lines: [' one', '-two', '+TWO', ' three', '+four'],
            },
          ],
        },
        diff: expect.stringContaining('@@ -1,3 +1,4 @@\n one\n-two\n+TWO\n three\n+four\n'),
      });
    });

    it('sends no patch for an untracked file, and follows a symlink that stays inside', async () => {
      await t.http
        .get('/file/content')
        .query({ path: 'new.txt' })
        .expect(200, { type: 'text', content: 'fresh\nfile\n' });
      await t.http
        .get('/file/content')
        .query({ path: 'link-in.ts' })
        .expect(200, { type: 'text', content: 'export const a = 1;\n' });
    });

    it('answers JSON, and a file rewritten since the last read with its new content', async () => {
      const first = await t.http.get('/file/content').query({ path: 'src/index.ts' }).expect(200);
      expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
      writeFileSync(join(project, 'scratch.txt'), 'first\n');
      await t.http
        .get('/file/content')
        .query({ path: 'scratch.txt' })
        .expect(200, { type: 'text', content: 'first\n' });
      writeFileSync(join(project, 'scratch.txt'), 'again\n'); // Same size, at once.
      await t.http
        .get('/file/content')
        .query({ path: 'scratch.txt' })
        .expect(200, { type: 'text', content: 'again\n' });
      rmSync(join(project, 'scratch.txt'));
      await t.http.get('/file/content').query({ path: 'scratch.txt' }).expect(404);
    });

    it('accepts an absolute path inside the project', async () => {
      await t.http
        .get('/file/content')
        .query({ path: join(project, 'src/index.ts') })
        .expect(200, { type: 'text', content: 'export const a = 1;\n' });
    });

    it('answers 404 NotFoundError for a deleted or missing file and for a directory', async () => {
      for (const path of ['deleted.txt', 'nope/never.txt', 'src']) {
        const res = await t.http.get('/file/content').query({ path }).expect(404);
        expect(res.body).toEqual({ name: 'NotFoundError', data: { message: expect.any(String) } });
      }
    });
  });

  describe('the jail: every way out is a 403 ForbiddenPathError, never the file', () => {
    const escapes = (): Array<[string, string]> => [
      ['a relative path up and out', '../../../../../../etc/passwd'],
      ['an absolute path outside', '/etc/passwd'],
      ['the absolute path of the outside secret', join(outside, 'secret.txt')],
      ['a symlink to a file outside', 'link-out'],
      ['a path through a symlinked directory outside', 'dir-out/secret.txt'],
      ['a path that goes down and back up out', 'src/../../../../../etc/passwd'],
    ];

    it.each(['/file/content', '/file'])('%s refuses every escape', async (route) => {
      for (const [why, path] of escapes()) {
        const res = await t.http.get(route).query({ path });
        expect({ why, status: res.status }).toEqual({ why, status: 403 });
        expect(res.body).toEqual({
          name: 'ForbiddenPathError',
          data: { message: expect.any(String), path },
        });
        expect(res.text).not.toContain(SECRET);
        expect(res.text).not.toContain('root:');
      }
    });

    it('refuses URL-encoded ../ the same way', async () => {
      for (const route of ['/file/content', '/file']) {
        const res = await t.http.get(
          `${route}?path=%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd`,
        );
        expect(res.status).toBe(403);
        expect(res.body.name).toBe('ForbiddenPathError');
        expect(res.text).not.toContain('root:');
      }
      const dirOut = await t.http.get('/file/content?path=dir%2Dout%2Fsecret%2Etxt').expect(403);
      expect(dirOut.text).not.toContain(SECRET);
    });

    it('refuses a directory listing of a symlinked directory outside', async () => {
      const res = await t.http.get('/file').query({ path: 'dir-out' }).expect(403);
      expect(res.text).not.toContain('secret.txt');
    });

    it('judges a path that does not exist yet by its nearest real ancestor', async () => {
      const res = await t.http.get('/file/content').query({ path: 'dir-out/not-there.txt' });
      expect(res.status).toBe(403);
    });
  });

  describe('GET /file/status', () => {
    it('lists modified, added (untracked) and deleted files with line counts', async () => {
      const res = await t.http.get('/file/status').expect(200);
      expect(res.body).toEqual([
        { path: 'changed.txt', added: 2, removed: 1, status: 'modified' },
        { path: 'deleted.txt', added: 0, removed: 2, status: 'deleted' },
        // Symlinks count as git stores them (one line: the target), never by what they point to.
        { path: 'dir-out', added: 1, removed: 0, status: 'added' },
        { path: 'link-in.ts', added: 1, removed: 0, status: 'added' },
        { path: 'link-out', added: 1, removed: 0, status: 'added' },
        { path: 'new.txt', added: 2, removed: 0, status: 'added' },
      ]);
    });
  });

  describe('bad and missing parameters', () => {
    it.each([
      ['/file', 'no path', {}, 'path'],
      ['/file/content', 'no path', {}, 'path'],
      ['/file/content', 'an empty path', { path: '' }, 'path'],
      ['/file/content', 'a 1,001-character path', { path: 'x'.repeat(1001) }, 'path'],
      ['/file', 'a 1,001-character path', { path: 'x'.repeat(1001) }, 'path'],
      ['/file/content', 'a NUL byte', { path: 'a\0b' }, 'path'],
      ['/file/content', 'two paths', { path: ['a', 'b'] }, 'path'],
      ['/file/content', 'an unknown parameter', { path: 'a', extra: '1' }, 'extra'],
    ])('%s with %s is a 400 naming %s', async (route, _, query, field) => {
      const res = await t.http.get(route).query(query).expect(400);
      expect(res.body).toEqual({
        name: 'BadRequest',
        data: { message: expect.stringContaining(field), kind: 'Query', field },
      });
    });

    it('accepts a path of exactly 1,000 characters (and answers 404)', async () => {
      await t.http
        .get('/file/content')
        .query({ path: 'y'.repeat(1000) })
        .expect(404);
    });
  });

  it('serves each project of the request: ?directory= picks another repository', async () => {
    const other = gitRepo({ 'only-here.txt': 'other\n' });
    try {
      const res = await t.http.get('/file').query({ path: '', directory: other }).expect(200);
      expect((res.body as FileNode[]).map((n) => n.name)).toEqual(['only-here.txt']);
      mkdirSync(join(other, 'sub'));
      writeFileSync(join(other, 'sub', 'x.txt'), 'x\n');
      await t.http
        .get('/file/content')
        .query({ path: 'sub/x.txt', directory: other })
        .expect(200, { type: 'text', content: 'x\n' });
      // The other project's files are outside this one.
      await t.http
        .get('/file/content')
        .query({ path: join(other, 'only-here.txt') })
        .expect(403);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
