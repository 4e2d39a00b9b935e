import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fakeToolContext } from '../../../test/support/fake-tool-context';
import { gitRepo, tempDir, writeFiles } from '../../../test/support/fixtures';
import { globTool } from './glob.tool';

function age(file: string, secondsAgo: number): void {
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(file, when, when);
}

describe('glob tool', () => {
  it('returns absolute paths of matches, newest first', async () => {
    const dir = gitRepo({ 'a.ts': '', 'src/b.ts': '', 'src/deep/c.ts': '', 'src/d.js': '' });
    age(join(dir, 'a.ts'), 300);
    age(join(dir, 'src/b.ts'), 100);
    age(join(dir, 'src/deep/c.ts'), 200);
    const ctx = fakeToolContext(dir);
    const result = await globTool.execute({ pattern: '**/*.ts' }, ctx);
    expect(result.output).toBe(
      [`${dir}/src/b.ts`, `${dir}/src/deep/c.ts`, `${dir}/a.ts`].join('\n'),
    );
    expect(result.metadata).toEqual({ count: 3, truncated: false });
    expect(result.title).toBe('.');
    expect(ctx.asked).toEqual([
      {
        permission: 'glob',
        patterns: ['**/*.ts'],
        always: ['*'],
        metadata: { pattern: '**/*.ts', path: undefined },
      },
    ]);
  });

  it('matches names anywhere without a slash, paths from the search directory with one', async () => {
    const dir = gitRepo({ 'x.md': '', 'docs/y.md': '', 'docs/sub/z.md': '' });
    const ctx = fakeToolContext(dir);
    const names = await globTool.execute({ pattern: '*.md' }, ctx);
    expect(names.metadata.count).toBe(3);
    const top = await globTool.execute({ pattern: 'docs/*.md' }, ctx);
    expect(top.output).toBe(`${dir}/docs/y.md`);
    const inDocs = await globTool.execute({ pattern: 'sub/*.md', path: 'docs' }, ctx);
    expect(inDocs.output).toBe(`${dir}/docs/sub/z.md`);
    expect(inDocs.title).toBe('docs');
  });

  it('takes the directory out of an absolute pattern', async () => {
    const dir = gitRepo({ 'src/a.ts': '', 'other/b.ts': '' });
    const result = await globTool.execute({ pattern: `${dir}/src/**/*.ts` }, fakeToolContext(dir));
    expect(result.output).toBe(`${dir}/src/a.ts`);
  });

  it('skips gitignored files', async () => {
    const dir = gitRepo({ '.gitignore': 'dist/\n', 'src/a.js': '', 'dist/a.js': '' });
    const result = await globTool.execute({ pattern: '**/*.js' }, fakeToolContext(dir));
    expect(result.output).toBe(`${dir}/src/a.js`);
  });

  it('caps the list at 100 with a note', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++) files[`f/${String(i).padStart(3, '0')}.txt`] = '';
    const dir = gitRepo(files);
    const result = await globTool.execute({ pattern: '*.txt' }, fakeToolContext(dir));
    const lines = result.output.split('\n');
    expect(lines.filter((line) => line.startsWith(dir))).toHaveLength(100);
    expect(result.output).toContain('(Results truncated: showing 100 of 120 files.');
    expect(result.metadata).toEqual({ count: 100, truncated: true });
  });

  it('says when nothing matches, and refuses a missing or non-directory path', async () => {
    const ctx = fakeToolContext(gitRepo());
    expect((await globTool.execute({ pattern: '*.nothing' }, ctx)).output).toBe('No files found');
    await expect(globTool.execute({ pattern: '*', path: 'missing' }, ctx)).rejects.toThrow(
      /Directory not found/,
    );
    await expect(globTool.execute({ pattern: '*', path: 'README.md' }, ctx)).rejects.toThrow(
      /must be a directory/,
    );
  });

  it('asks external_directory for a directory outside the project', async () => {
    const outside = tempDir();
    writeFiles(outside, { 'o.txt': '' });
    const ctx = fakeToolContext(gitRepo());
    const result = await globTool.execute({ pattern: '*.txt', path: outside }, ctx);
    expect(result.output).toBe(join(outside, 'o.txt'));
    expect(ctx.asked[1]).toMatchObject({
      permission: 'external_directory',
      patterns: [`${outside}/*`],
    });
  });
});
