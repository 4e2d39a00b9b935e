import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeToolContext } from '../../../test/support/fake-tool-context';
import { gitRepo, tempDir } from '../../../test/support/fixtures';
import { FileReadTracker } from '../file-access';
import { ToolExecutionError } from '../tool.types';
import { createEditTool } from './edit.tool';
import { createReadTool } from './read.tool';

const SOURCE = 'function greet(name) {\n  return `hi ${name}`;\n}\n\nconst x = 1;\nconst y = 1;\n';

function setup(files: Record<string, string> = {}) {
  const dir = gitRepo({ 'src/greet.js': SOURCE, ...files });
  const tracker = new FileReadTracker();
  const ctx = fakeToolContext(dir);
  const read = createReadTool({ tracker });
  const edit = createEditTool({ tracker });
  const content = (path: string) => readFileSync(join(dir, path), 'utf8');
  return { dir, ctx, read, edit, content };
}

describe('edit tool', () => {
  it('replaces one exact occurrence, asking edit with the diff', async () => {
    const { dir, ctx, read, edit, content } = setup();
    await read.execute({ filePath: 'src/greet.js' }, ctx);
    ctx.asked.length = 0;
    const result = await edit.execute(
      {
        filePath: 'src/greet.js',
        oldString: 'return `hi ${name}`;',
        newString: 'return `hello ${name}!`;',
      },
      ctx,
    );
    const file = join(dir, 'src/greet.js');
    const after = SOURCE.replace('hi ${name}`', 'hello ${name}!`');
    expect(content('src/greet.js')).toBe(after);
    expect(result.title).toBe('src/greet.js');
    expect(result.output).toBe('Edit applied successfully.');
    expect(result.metadata).toEqual({
      diff: expect.stringContaining('-  return `hi ${name}`;\n+  return `hello ${name}!`;'),
      filediff: { file, before: SOURCE, after, additions: 1, deletions: 1 },
      filepath: file,
      file,
    });
    expect(ctx.asked).toEqual([
      {
        permission: 'edit',
        patterns: ['src/greet.js'],
        always: ['*'],
        metadata: { filepath: file, diff: result.metadata.diff },
      },
    ]);
  });

  it('refuses identical oldString and newString', async () => {
    const { ctx, edit } = setup();
    await expect(
      edit.execute({ filePath: 'src/greet.js', oldString: 'x', newString: 'x' }, ctx),
    ).rejects.toThrow(/identical/);
    expect(ctx.asked).toEqual([]);
  });

  it('requires a read of the file first', async () => {
    const { ctx, edit, content } = setup();
    await expect(
      edit.execute({ filePath: 'src/greet.js', oldString: 'const x', newString: 'let x' }, ctx),
    ).rejects.toThrow(/must read the file .*greet\.js.* before changing it/);
    expect(content('src/greet.js')).toBe(SOURCE);
  });

  it('refuses when the file changed since the read, until it is read again', async () => {
    const { dir, ctx, read, edit, content } = setup();
    await read.execute({ filePath: 'src/greet.js' }, ctx);
    writeFileSync(join(dir, 'src/greet.js'), `${SOURCE}// user edit\n`);
    const input = {
      filePath: 'src/greet.js',
      oldString: 'const x = 1;',
      newString: 'const x = 2;',
    };
    await expect(edit.execute(input, ctx)).rejects.toThrow(
      /modified since you last read it.*Read it again/,
    );
    expect(content('src/greet.js')).toBe(`${SOURCE}// user edit\n`);
    await read.execute({ filePath: 'src/greet.js' }, ctx);
    await edit.execute(input, ctx);
    expect(content('src/greet.js')).toContain('const x = 2;\n');
  });

  it('allows a chain of edits after one read', async () => {
    const { ctx, read, edit, content } = setup();
    await read.execute({ filePath: 'src/greet.js' }, ctx);
    await edit.execute(
      { filePath: 'src/greet.js', oldString: 'const x = 1;', newString: 'const x = 2;' },
      ctx,
    );
    await edit.execute(
      { filePath: 'src/greet.js', oldString: 'const y = 1;', newString: 'const y = 2;' },
      ctx,
    );
    expect(content('src/greet.js')).toContain('const x = 2;\nconst y = 2;\n');
  });

  it('says clearly when oldString is not found, with hints for common mistakes', async () => {
    const { ctx, read, edit } = setup();
    await read.execute({ filePath: 'src/greet.js' }, ctx);
    const attempt = (oldString: string) =>
      edit
        .execute({ filePath: 'src/greet.js', oldString, newString: 'z' }, ctx)
        .catch((e: Error) => e);

    const missing = await attempt('const z = 3;');
    expect(missing).toBeInstanceOf(ToolExecutionError);
    expect((missing as Error).message).toMatch(
      /Could not find oldString in .*greet\.js.*Read the file again/,
    );
    expect(((await attempt('5: const x = 1;')) as Error).message).toMatch(/line-number prefixes/);
    expect(((await attempt('const  x =  1;')) as Error).message).toMatch(
      /differs only in whitespace/,
    );
  });

  it('refuses an ambiguous oldString, naming the lines, unless replaceAll is set', async () => {
    const { ctx, read, edit, content } = setup();
    await read.execute({ filePath: 'src/greet.js' }, ctx);
    await expect(
      edit.execute({ filePath: 'src/greet.js', oldString: ' = 1;', newString: ' = 5;' }, ctx),
    ).rejects.toThrow(
      /Found 2 matches of oldString .*\(at lines 5, 6\).*more surrounding lines.*replaceAll/,
    );
    expect(content('src/greet.js')).toBe(SOURCE);

    const result = await edit.execute(
      { filePath: 'src/greet.js', oldString: ' = 1;', newString: ' = 5;', replaceAll: true },
      ctx,
    );
    expect(result.output).toBe('Edit applied successfully (2 replacements).');
    expect(content('src/greet.js')).toContain('const x = 5;\nconst y = 5;\n');
    expect(result.metadata.filediff).toMatchObject({ additions: 2, deletions: 2 });
  });

  it('inserts newString literally, $ patterns included', async () => {
    const { ctx, read, edit, content } = setup();
    await read.execute({ filePath: 'src/greet.js' }, ctx);
    await edit.execute(
      { filePath: 'src/greet.js', oldString: 'const x = 1;', newString: "const x = '$&$1$$';" },
      ctx,
    );
    expect(content('src/greet.js')).toContain("const x = '$&$1$$';\n");
  });

  it('creates a missing file from an empty oldString, without a read', async () => {
    const { dir, ctx, edit, content } = setup();
    const result = await edit.execute(
      { filePath: 'src/new/made.ts', oldString: '', newString: 'export {};\n' },
      ctx,
    );
    expect(content('src/new/made.ts')).toBe('export {};\n');
    expect(result.output).toBe('Created the file successfully.');
    expect(result.metadata.filediff).toEqual({
      file: join(dir, 'src/new/made.ts'),
      before: '',
      after: 'export {};\n',
      additions: 1,
      deletions: 0,
    });
  });

  it('refuses an empty oldString on a file with content, and a non-empty one on a missing file', async () => {
    const { ctx, read, edit } = setup();
    await read.execute({ filePath: 'src/greet.js' }, ctx);
    await expect(
      edit.execute({ filePath: 'src/greet.js', oldString: '', newString: 'x' }, ctx),
    ).rejects.toThrow(/already has content/);
    await expect(
      edit.execute({ filePath: 'src/none.js', oldString: 'a', newString: 'b' }, ctx),
    ).rejects.toThrow(/File not found: .*none\.js.*empty oldString/);
  });

  it('keeps CRLF line endings when the strings use LF', async () => {
    const crlf = 'one\r\ntwo\r\nthree\r\n';
    const { ctx, read, edit, content } = setup({ 'win.txt': crlf });
    await read.execute({ filePath: 'win.txt' }, ctx);
    const result = await edit.execute(
      { filePath: 'win.txt', oldString: 'one\ntwo', newString: 'one\n2\n2b' },
      ctx,
    );
    expect(content('win.txt')).toBe('one\r\n2\r\n2b\r\nthree\r\n');
    // The diff is shown with plain line breaks.
    expect(result.metadata.diff).toContain('-two\n+2\n+2b\n');
    expect(result.metadata.diff).not.toContain('\r');
  });

  it('changes nothing when the edit permission is rejected', async () => {
    const { dir, read, edit, content } = setup();
    const ctx = fakeToolContext(dir, { answer: (request) => request.permission !== 'edit' });
    await read.execute({ filePath: 'src/greet.js' }, ctx);
    await expect(
      edit.execute(
        { filePath: 'src/greet.js', oldString: 'const x = 1;', newString: 'const x = 2;' },
        ctx,
      ),
    ).rejects.toMatchObject({ name: 'PermissionRejectedError' });
    expect(content('src/greet.js')).toBe(SOURCE);
  });

  it('applies parallel edits of one file one after the other', async () => {
    const { ctx, read, edit, content } = setup();
    await read.execute({ filePath: 'src/greet.js' }, ctx);
    await Promise.all([
      edit.execute(
        { filePath: 'src/greet.js', oldString: 'const x = 1;', newString: 'const x = 2;' },
        ctx,
      ),
      edit.execute(
        { filePath: 'src/greet.js', oldString: 'const y = 1;', newString: 'const y = 2;' },
        ctx,
      ),
    ]);
    expect(content('src/greet.js')).toContain('const x = 2;\nconst y = 2;\n');
  });

  it('asks external_directory for files outside the project', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'o.txt'), 'old\n');
    const { ctx, read, edit } = setup();
    await read.execute({ filePath: join(outside, 'o.txt') }, ctx);
    ctx.asked.length = 0;
    await edit.execute(
      { filePath: join(outside, 'o.txt'), oldString: 'old', newString: 'new' },
      ctx,
    );
    expect(ctx.asked.map((a) => a.permission)).toEqual(['external_directory', 'edit']);
    expect(readFileSync(join(outside, 'o.txt'), 'utf8')).toBe('new\n');
  });
});
