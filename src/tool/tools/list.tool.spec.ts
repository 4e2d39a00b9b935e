import { join } from 'node:path';
import { fakeToolContext } from '../../../test/support/fake-tool-context';
import { gitRepo, tempDir, writeFiles } from '../../../test/support/fixtures';
import { listTool } from './list.tool';

describe('list tool', () => {
  it('prints an indented tree, directories first, without noise or ignored files', async () => {
    const dir = gitRepo({
      '.gitignore': '*.log\n',
      'package.json': '{}',
      'debug.log': '',
      'src/index.ts': '',
      'src/util/strings.ts': '',
      'node_modules/pkg/index.js': '',
      'dist/index.js': '',
      'README.md': '',
    });
    const ctx = fakeToolContext(dir);
    const result = await listTool.execute({}, ctx);
    expect(result.output).toBe(
      [
        `${dir}/`,
        '  src/',
        '    util/',
        '      strings.ts',
        '    index.ts',
        '  .gitignore',
        '  README.md',
        '  package.json',
        '',
      ].join('\n'),
    );
    expect(result.metadata).toEqual({ count: 5, truncated: false });
    expect(result.title).toBe('.');
    expect(ctx.asked).toEqual([
      { permission: 'list', patterns: [dir], always: ['*'], metadata: { path: dir } },
    ]);
  });

  it('lists a subdirectory and leaves out what ignore names', async () => {
    const dir = gitRepo({
      'src/a.ts': '',
      'src/a.test.ts': '',
      'src/fixtures/x.json': '',
      'src/b.ts': '',
    });
    const result = await listTool.execute(
      { path: 'src', ignore: ['*.test.ts', 'fixtures/'] },
      fakeToolContext(dir),
    );
    expect(result.output).toBe(`${join(dir, 'src')}/\n  a.ts\n  b.ts\n`);
    expect(result.title).toBe('src');
  });

  it('shows at most 100 files, shallowest first', async () => {
    const files: Record<string, string> = { 'top.txt': '' };
    for (let i = 0; i < 150; i++) files[`deep/${String(i).padStart(3, '0')}.txt`] = '';
    const dir = gitRepo(files);
    const result = await listTool.execute({}, fakeToolContext(dir));
    expect(result.metadata).toEqual({ count: 100, truncated: true });
    expect(result.output).toContain('  top.txt\n');
    expect(result.output).toContain('(Showing the first 100 files.');
  });

  it('refuses a missing path or a file', async () => {
    const ctx = fakeToolContext(gitRepo());
    await expect(listTool.execute({ path: 'nope' }, ctx)).rejects.toThrow(/Directory not found/);
    await expect(listTool.execute({ path: 'README.md' }, ctx)).rejects.toThrow(
      /is a file.*read tool/,
    );
  });

  it('asks external_directory before listing outside the project', async () => {
    const outside = tempDir();
    writeFiles(outside, { 'o.txt': '' });
    const ctx = fakeToolContext(gitRepo());
    const result = await listTool.execute({ path: outside }, ctx);
    expect(result.output).toBe(`${outside}/\n  o.txt\n`);
    expect(ctx.asked.map((a) => a.permission)).toEqual(['external_directory', 'list']);

    const rejecting = fakeToolContext(gitRepo(), { answer: () => false });
    await expect(listTool.execute({ path: outside }, rejecting)).rejects.toMatchObject({
      name: 'PermissionRejectedError',
    });
    expect(rejecting.asked.map((a) => a.permission)).toEqual(['external_directory']);
  });
});
