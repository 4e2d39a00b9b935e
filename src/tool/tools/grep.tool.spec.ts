import { symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeToolContext } from '../../../test/support/fake-tool-context';
import { gitRepo, tempDir, writeFiles } from '../../../test/support/fixtures';
import { grepTool } from './grep.tool';

/** Sets a file's modification time to `secondsAgo` before now. */
function age(file: string, secondsAgo: number): void {
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(file, when, when);
}

describe('grep tool', () => {
  it('does not read a file outside the project through a symlink in it', async () => {
    const outside = tempDir();
    writeFiles(outside, { id_rsa: 'BEGIN PRIVATE KEY\n' });
    const dir = gitRepo({ 'notes.md': 'nothing\n' });
    symlinkSync(join(outside, 'id_rsa'), join(dir, 'innocent.md'));
    const ctx = fakeToolContext(dir);
    const result = await grepTool.execute({ pattern: 'PRIVATE' }, ctx);
    expect(result.output).toBe('No files found');
    expect(ctx.asked.map((request) => request.permission)).toEqual(['grep']);
  });

  it('lists matching lines per file, newest file first', async () => {
    const dir = gitRepo({
      'old.ts': 'const TODO = 1;\nfine\n',
      'src/new.ts': 'ok\n// TODO: later\n// todo lower\n',
      'README.md': 'nothing here\n',
    });
    age(join(dir, 'old.ts'), 3600);
    age(join(dir, 'src/new.ts'), 60);
    const ctx = fakeToolContext(dir);
    const result = await grepTool.execute({ pattern: 'TODO' }, ctx);
    expect(result.output).toBe(
      [
        'Found 2 matches',
        '',
        `${dir}/src/new.ts:`,
        '  Line 2: // TODO: later',
        '',
        `${dir}/old.ts:`,
        '  Line 1: const TODO = 1;',
      ].join('\n'),
    );
    expect(result.title).toBe('TODO');
    expect(result.metadata).toEqual({ matches: 2, truncated: false });
    expect(ctx.asked).toEqual([
      {
        permission: 'grep',
        patterns: ['TODO'],
        always: ['*'],
        metadata: { pattern: 'TODO', path: undefined, include: undefined },
      },
    ]);
  });

  it('supports (?i), include globs and a search path', async () => {
    const dir = gitRepo({
      'a.ts': 'Hello\n',
      'b.js': 'hello\n',
      'sub/c.ts': 'HELLO\n',
      'sub/d.tsx': 'hello\n',
    });
    const ctx = fakeToolContext(dir);
    const caseless = await grepTool.execute({ pattern: '(?i)hello', include: '*.{ts,tsx}' }, ctx);
    expect(caseless.metadata.matches).toBe(3);
    expect(caseless.output).not.toContain('b.js');
    const inSub = await grepTool.execute({ pattern: 'hello', path: 'sub' }, ctx);
    expect(inSub.output).toContain(`${dir}/sub/d.tsx:`);
    expect(inSub.metadata.matches).toBe(1);
    const oneFile = await grepTool.execute({ pattern: 'HELLO', path: 'sub/c.ts' }, ctx);
    expect(oneFile.output).toContain(`${dir}/sub/c.ts:\n  Line 1: HELLO`);
  });

  it('skips gitignored, .git and binary files', async () => {
    const dir = gitRepo({
      '.gitignore': 'build/\n*.gen.ts\n',
      'src/a.ts': 'needle\n',
      'build/out.js': 'needle\n',
      'src/x.gen.ts': 'needle\n',
      'blob.bin2': Buffer.from('needle\0binary'),
    });
    const result = await grepTool.execute({ pattern: 'needle' }, fakeToolContext(dir));
    expect(result.metadata.matches).toBe(1);
    expect(result.output).toContain('src/a.ts');
  });

  it('caps the output at 100 matches and says how many there were', async () => {
    const dir = gitRepo({ 'many.txt': 'hit\n'.repeat(150), 'more.txt': 'hit\n' });
    age(join(dir, 'more.txt'), 10);
    age(join(dir, 'many.txt'), 3600);
    const result = await grepTool.execute({ pattern: '^hit$' }, fakeToolContext(dir));
    expect(result.metadata).toEqual({ matches: 151, truncated: true });
    expect(result.output.split('\n').filter((line) => line.startsWith('  Line ')).length).toBe(100);
    expect(
      result.output.startsWith(
        'Found 151 matches (showing the first 100)\n\n' + `${dir}/more.txt:`,
      ),
    ).toBe(true);
    expect(result.output).toContain('(Results truncated: showing 100 of 151 matches.');
  });

  it('answers "No files found" when nothing matches, and cuts very long lines', async () => {
    const dir = gitRepo({ 'wide.txt': `${'a'.repeat(3000)}needle\n` });
    const ctx = fakeToolContext(dir);
    expect((await grepTool.execute({ pattern: 'absent' }, ctx)).output).toBe('No files found');
    const wide = await grepTool.execute({ pattern: 'needle' }, ctx);
    expect(wide.output).toContain(`  Line 1: ${'a'.repeat(2000)}...`);
    expect(wide.output.length).toBeLessThan(2200);
  });

  it('explains an invalid regular expression and a missing path', async () => {
    const ctx = fakeToolContext(gitRepo());
    await expect(grepTool.execute({ pattern: 'foo(' }, ctx)).rejects.toThrow(
      /Invalid regular expression "foo\("/,
    );
    await expect(grepTool.execute({ pattern: 'x', path: 'nope' }, ctx)).rejects.toThrow(
      /Search path not found/,
    );
  });

  it('asks external_directory to search outside the project', async () => {
    const outside = tempDir();
    writeFiles(outside, { 'o.txt': 'needle\n' });
    const ctx = fakeToolContext(gitRepo());
    const result = await grepTool.execute({ pattern: 'needle', path: outside }, ctx);
    expect(result.metadata.matches).toBe(1);
    expect(ctx.asked.map((a) => a.permission)).toEqual(['grep', 'external_directory']);
    expect(ctx.asked[1].patterns).toEqual([`${outside}/*`]);

    const rejecting = fakeToolContext(gitRepo(), {
      answer: (r) => r.permission !== 'external_directory',
    });
    await expect(
      grepTool.execute({ pattern: 'needle', path: outside }, rejecting),
    ).rejects.toMatchObject({
      name: 'PermissionRejectedError',
    });
  });

  it('stops when the turn is aborted', async () => {
    const dir = gitRepo();
    writeFileSync(join(dir, 'a.txt'), 'needle\n');
    const ctx = fakeToolContext(dir);
    ctx.abortTurn(new Error('aborted by user'));
    await expect(grepTool.execute({ pattern: 'needle' }, ctx)).rejects.toThrow('aborted by user');
  });
});
