import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeToolContext } from '../../../test/support/fake-tool-context';
import { gitRepo, tempDir } from '../../../test/support/fixtures';
import { FileReadTracker } from '../file-access';
import { ToolExecutionError } from '../tool.types';
import { createReadTool, MAX_WHOLE_FILE_BYTES } from './read.tool';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

function setup(files: Record<string, string | Buffer> = {}) {
  const dir = gitRepo({ 'README.md': '# Title\n\nBody text.\n', ...files });
  const tracker = new FileReadTracker();
  const tool = createReadTool({ tracker });
  const ctx = fakeToolContext(dir);
  return { dir, tracker, tool, ctx };
}

const numbered = (count: number) =>
  Array.from({ length: count }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe('read tool', () => {
  it('returns numbered lines in the reference layout, titled by the project path', async () => {
    const { dir, tool, ctx } = setup();
    const result = await tool.execute({ filePath: join(dir, 'README.md') }, ctx);
    expect(result.title).toBe('README.md');
    expect(result.output).toBe(
      `<path>${dir}/README.md</path>\n<type>file</type>\n<content>\n1: # Title\n2: \n3: Body text.\n\n(End of file - total 3 lines)\n</content>`,
    );
    expect(result.metadata).toMatchObject({
      preview: '# Title\n\nBody text.',
      truncated: false,
      loaded: [],
      display: { type: 'file', lineStart: 1, lineEnd: 3, totalLines: 3, truncated: false },
    });
    expect(result.attachments).toBeUndefined();
  });

  it('asks the read permission for the absolute path, and resolves relative paths', async () => {
    const { dir, tool, ctx } = setup({ 'src/a.ts': 'export {};\n' });
    const result = await tool.execute({ filePath: 'src/a.ts' }, ctx);
    expect(result.title).toBe('src/a.ts');
    expect(ctx.asked).toEqual([
      { permission: 'read', patterns: [join(dir, 'src/a.ts')], always: ['*'], metadata: {} },
    ]);
  });

  it('records the read in the tracker under the real path', async () => {
    const { dir, tool, ctx, tracker } = setup();
    await tool.execute({ filePath: 'README.md' }, ctx);
    const stats = statSync(join(dir, 'README.md'));
    expect(tracker.lastRead(ctx.sessionID, join(dir, 'README.md'))).toEqual({
      mtimeMs: stats.mtimeMs,
      size: stats.size,
    });
  });

  it('reads a window from a 0-based offset and says how to continue', async () => {
    const { tool, ctx } = setup({ 'ten.txt': numbered(10) });
    const result = await tool.execute({ filePath: 'ten.txt', offset: 2, limit: 3 }, ctx);
    expect(result.output).toContain('<content>\n3: line 3\n4: line 4\n5: line 5\n\n');
    expect(result.output).toContain('(Showing lines 3-5 of 10. Use offset=5 to continue.)');
    expect(result.metadata).toMatchObject({ truncated: true, preview: 'line 3\nline 4\nline 5' });

    const tail = await tool.execute({ filePath: 'ten.txt', offset: 8 }, ctx);
    expect(tail.output).toContain('9: line 9\n10: line 10\n\n(End of file - total 10 lines)');
  });

  it('refuses an offset past the end of the file', async () => {
    const { tool, ctx } = setup({ 'ten.txt': numbered(10) });
    await expect(tool.execute({ filePath: 'ten.txt', offset: 10 }, ctx)).rejects.toThrow(
      /Offset 10 is past the end .* 10 lines/,
    );
  });

  it('stops at 2000 lines by default', async () => {
    const { tool, ctx } = setup({ 'long.txt': numbered(2500) });
    const result = await tool.execute({ filePath: 'long.txt' }, ctx);
    expect(result.output).toContain(
      '\n2000: line 2000\n\n(Showing lines 1-2000 of 2500. Use offset=2000 to continue.)',
    );
    expect(result.output).not.toContain('2001: ');
    expect(result.metadata.truncated).toBe(true);
  });

  it('cuts lines longer than 2000 characters', async () => {
    const { tool, ctx } = setup({ 'wide.txt': `${'x'.repeat(3000)}\nshort\n` });
    const result = await tool.execute({ filePath: 'wide.txt' }, ctx);
    expect(result.output).toContain(
      `1: ${'x'.repeat(2000)}... (line truncated to 2000 chars)\n2: short`,
    );
  });

  it('caps the output at 50 KB of lines', async () => {
    const line = 'y'.repeat(99);
    const { tool, ctx } = setup({ 'big.txt': `${line}\n`.repeat(1000) });
    const result = await tool.execute({ filePath: 'big.txt' }, ctx);
    expect(result.output).toMatch(
      /\(Output capped at 50 KB\. Showing lines 1-512 of 1000\. Use offset=512 to continue\.\)/,
    );
    expect(result.output.length).toBeLessThan(60 * 1024);
    expect(result.metadata.truncated).toBe(true);
  });

  it('refuses a text file over 10 MB unless a window is asked for', async () => {
    const { dir, tool, ctx } = setup();
    const file = join(dir, 'huge.txt');
    writeFileSync(file, `${'z'.repeat(99)}\n`.repeat(MAX_WHOLE_FILE_BYTES / 100 + 10));
    await expect(tool.execute({ filePath: 'huge.txt' }, ctx)).rejects.toThrow(/offset and limit/);
    const window = await tool.execute({ filePath: 'huge.txt', offset: 5, limit: 2 }, ctx);
    expect(window.output).toContain('6: zzz');
    expect(window.output).toContain('Use offset=7 to continue.');
  });

  it('reads CRLF files without the carriage returns, and empty files', async () => {
    const { tool, ctx } = setup({ 'crlf.txt': 'a\r\nb\r\n', 'empty.txt': '' });
    const crlf = await tool.execute({ filePath: 'crlf.txt' }, ctx);
    expect(crlf.output).toContain('1: a\n2: b\n\n(End of file - total 2 lines)');
    const empty = await tool.execute({ filePath: 'empty.txt' }, ctx);
    expect(empty.output).toContain('(End of file - total 0 lines)');
  });

  it('refuses a directory and points to the list tool', async () => {
    const { tool, ctx } = setup({ 'src/a.ts': '' });
    const error = await tool.execute({ filePath: 'src' }, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolExecutionError);
    expect((error as Error).message).toMatch(/is a directory.*list tool/);
  });

  it('suggests similar names when the file is missing', async () => {
    const { dir, tool, ctx } = setup({ 'src/config.json': '{}', 'src/other.ts': '' });
    await expect(tool.execute({ filePath: 'src/confg.json' }, ctx)).rejects.toThrow(
      `File not found: ${dir}/src/confg.json\n\nDid you mean one of these?\n${dir}/src/config.json`,
    );
    await expect(tool.execute({ filePath: 'src/config.yaml' }, ctx)).rejects.toThrow(
      `Did you mean one of these?\n${dir}/src/config.json`,
    );
    await expect(tool.execute({ filePath: 'nowhere/x.ts' }, ctx)).rejects.toThrow(
      new ToolExecutionError(`File not found: ${dir}/nowhere/x.ts`),
    );
  });

  it('refuses binary files: NUL bytes or a known binary extension', async () => {
    const { tool, ctx } = setup({
      'data.raw': Buffer.from([0x41, 0x00, 0x42, 0x43]),
      'archive.zip': 'PK text-looking',
    });
    await expect(tool.execute({ filePath: 'data.raw' }, ctx)).rejects.toThrow(
      /Cannot read binary file/,
    );
    await expect(tool.execute({ filePath: 'archive.zip' }, ctx)).rejects.toThrow(
      /Cannot read binary file/,
    );
  });

  it('returns images as data-URL attachments', async () => {
    const { tool, ctx, tracker, dir } = setup({ 'assets/dot.png': PNG });
    const result = await tool.execute({ filePath: 'assets/dot.png' }, ctx);
    expect(result.output).toBe('Image read successfully');
    expect(result.title).toBe('assets/dot.png');
    expect(result.attachments).toEqual([
      {
        mime: 'image/png',
        url: `data:image/png;base64,${PNG.toString('base64')}`,
        filename: 'dot.png',
      },
    ]);
    expect(result.metadata).toMatchObject({ truncated: false, loaded: [] });
    expect(tracker.lastRead(ctx.sessionID, join(dir, 'assets/dot.png'))).toBeUndefined();
  });

  it('asks external_directory before reading outside the project, and stops when rejected', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'notes.txt'), 'outside\n');
    const { tool } = setup();
    const dir = gitRepo();
    const allowed = fakeToolContext(dir);
    const result = await tool.execute({ filePath: join(outside, 'notes.txt') }, allowed);
    expect(result.output).toContain('1: outside');
    expect(allowed.asked.map((a) => a.permission)).toEqual(['external_directory', 'read']);
    expect(allowed.asked[0].patterns).toEqual([`${outside}/*`]);

    const rejecting = fakeToolContext(dir, {
      answer: (request) => request.permission !== 'external_directory',
    });
    await expect(
      tool.execute({ filePath: join(outside, 'notes.txt') }, rejecting),
    ).rejects.toMatchObject({
      name: 'PermissionRejectedError',
    });
    expect(rejecting.asked.map((a) => a.permission)).toEqual(['external_directory']);
  });

  it('stops when the turn is aborted', async () => {
    const { tool, ctx } = setup();
    const reason = new Error('turn aborted');
    ctx.abortTurn(reason);
    await expect(tool.execute({ filePath: 'README.md' }, ctx)).rejects.toBe(reason);
  });
});
