import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeToolContext } from '../../../test/support/fake-tool-context';
import { gitRepo, tempDir } from '../../../test/support/fixtures';
import { FileReadTracker } from '../file-access';
import { createReadTool } from './read.tool';
import { createWriteTool } from './write.tool';

function setup() {
  const dir = gitRepo({ 'src/existing.ts': 'export const a = 1;\n' });
  const tracker = new FileReadTracker();
  return {
    dir,
    read: createReadTool({ tracker }),
    write: createWriteTool({ tracker }),
    ctx: fakeToolContext(dir),
  };
}

describe('write tool', () => {
  it('creates a new file and its directories without a prior read', async () => {
    const { dir, write, ctx } = setup();
    const result = await write.execute(
      { filePath: 'src/new/deep/file.ts', content: 'hello\n' },
      ctx,
    );
    const file = join(dir, 'src/new/deep/file.ts');
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
    expect(result.title).toBe('src/new/deep/file.ts');
    expect(result.metadata).toMatchObject({ filepath: file, exists: false, file });
    expect(result.metadata.diff).toContain('@@ -0,0 +1,1 @@\n+hello');
    expect(ctx.asked).toEqual([
      {
        permission: 'edit',
        patterns: ['src/new/deep/file.ts'],
        always: ['*'],
        metadata: { filepath: file, diff: result.metadata.diff },
      },
    ]);
  });

  it('refuses to overwrite a file that was not read first', async () => {
    const { dir, write, ctx } = setup();
    await expect(write.execute({ filePath: 'src/existing.ts', content: 'x' }, ctx)).rejects.toThrow(
      /must read the file .*existing\.ts/,
    );
    expect(readFileSync(join(dir, 'src/existing.ts'), 'utf8')).toBe('export const a = 1;\n');
    expect(ctx.asked).toEqual([]);
  });

  it('overwrites a file that was read, with a diff of the change', async () => {
    const { dir, read, write, ctx } = setup();
    await read.execute({ filePath: 'src/existing.ts' }, ctx);
    const result = await write.execute(
      { filePath: 'src/existing.ts', content: 'export const a = 2;\n' },
      ctx,
    );
    expect(readFileSync(join(dir, 'src/existing.ts'), 'utf8')).toBe('export const a = 2;\n');
    expect(result.metadata).toMatchObject({ exists: true });
    expect(result.metadata.diff).toContain('-export const a = 1;\n+export const a = 2;');
    // The tool's own write counts as seen: writing again needs no new read.
    await write.execute({ filePath: 'src/existing.ts', content: 'export const a = 3;\n' }, ctx);
    expect(readFileSync(join(dir, 'src/existing.ts'), 'utf8')).toBe('export const a = 3;\n');
  });

  it('refuses a file changed on disk since it was read', async () => {
    const { dir, read, write, ctx } = setup();
    await read.execute({ filePath: 'src/existing.ts' }, ctx);
    writeFileSync(join(dir, 'src/existing.ts'), 'export const a = 100;\n');
    await expect(write.execute({ filePath: 'src/existing.ts', content: 'x' }, ctx)).rejects.toThrow(
      /modified since you last read it/,
    );
    expect(readFileSync(join(dir, 'src/existing.ts'), 'utf8')).toBe('export const a = 100;\n');
  });

  it('writes nothing when the edit permission is rejected', async () => {
    const { dir, write } = setup();
    const ctx = fakeToolContext(dir, { answer: () => false });
    await expect(write.execute({ filePath: 'new.ts', content: 'x' }, ctx)).rejects.toMatchObject({
      name: 'PermissionRejectedError',
    });
    expect(existsSync(join(dir, 'new.ts'))).toBe(false);
  });

  it('refuses a directory', async () => {
    const { write, ctx } = setup();
    await expect(write.execute({ filePath: 'src', content: 'x' }, ctx)).rejects.toThrow(
      /is a directory/,
    );
  });

  it('asks external_directory before writing outside the project', async () => {
    const { write, ctx } = setup();
    const outside = tempDir();
    await write.execute({ filePath: join(outside, 'out.txt'), content: 'x' }, ctx);
    expect(ctx.asked.map((a) => a.permission)).toEqual(['external_directory', 'edit']);
    expect(ctx.asked[0].patterns).toEqual([`${outside}/*`]);
    expect(readFileSync(join(outside, 'out.txt'), 'utf8')).toBe('x');

    const { dir, write: write2 } = setup();
    const rejecting = fakeToolContext(dir, {
      answer: (r) => r.permission !== 'external_directory',
    });
    await expect(
      write2.execute({ filePath: join(outside, 'never.txt'), content: 'x' }, rejecting),
    ).rejects.toMatchObject({ name: 'PermissionRejectedError' });
    expect(existsSync(join(outside, 'never.txt'))).toBe(false);
  });
});
