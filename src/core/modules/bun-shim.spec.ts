import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bunModule, file, Glob, write } from './bun-shim';

describe('Bun shim', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bun-shim-'));
    await mkdir(path.join(dir, 'skills/a'), { recursive: true });
    await mkdir(path.join(dir, '.hidden'), { recursive: true });
    await writeFile(path.join(dir, 'skills/a/SKILL.md'), '# a');
    await writeFile(path.join(dir, 'top.md'), '{"n":1}');
    await writeFile(path.join(dir, '.hidden/SKILL.md'), '# hidden');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file lazily: text, json, bytes, size, exists', async () => {
    const top = file(path.join(dir, 'top.md'));
    expect(await top.text()).toBe('{"n":1}');
    expect(await top.json()).toEqual({ n: 1 });
    expect(new TextDecoder().decode(await top.arrayBuffer())).toBe('{"n":1}');
    expect(top.size).toBe(7);
    expect(await top.exists()).toBe(true);
    const missing = file(pathToFileURL(path.join(dir, 'missing.txt')));
    expect(await missing.exists()).toBe(false);
    expect(missing.size).toBe(0);
    await expect(missing.text()).rejects.toThrow(/ENOENT/);
  });

  it('writes strings, bytes and files, creating parent directories', async () => {
    const target = path.join(dir, 'out/deep/note.txt');
    expect(await write(target, 'héllo')).toBe(6);
    expect(await readFile(target, 'utf8')).toBe('héllo');
    await write(file(path.join(dir, 'out/copy.txt')), file(target));
    expect(await readFile(path.join(dir, 'out/copy.txt'), 'utf8')).toBe('héllo');
    await write(path.join(dir, 'out/bytes.bin'), new Uint8Array([1, 2]));
    expect([...(await readFile(path.join(dir, 'out/bytes.bin')))]).toEqual([1, 2]);
    await rm(path.join(dir, 'out'), { recursive: true });
  });

  it('globs like Bun: whole relative paths, no dotfiles unless asked, absolute on request', async () => {
    const glob = new Glob('**/SKILL.md');
    const found: string[] = [];
    for await (const match of glob.scan({ cwd: dir })) found.push(match);
    expect(found).toEqual(['skills/a/SKILL.md']);
    const withDot: string[] = [];
    for await (const match of glob.scan({ cwd: dir, dot: true, absolute: true })) {
      withDot.push(match);
    }
    expect(withDot.sort()).toEqual(
      [path.join(dir, '.hidden/SKILL.md'), path.join(dir, 'skills/a/SKILL.md')].sort(),
    );
    expect([...new Glob('*.md').scanSync(dir)]).toEqual(['top.md']);
    expect([...glob.scanSync({ cwd: dir, absolute: true })]).toEqual([
      path.join(dir, 'skills/a/SKILL.md'),
    ]);
    expect(glob.match('x/y/SKILL.md')).toBe(true);
    expect(new Glob('*.md').match('x/y.md')).toBe(false);
  });

  it('scans nothing in a directory that does not exist', async () => {
    const found: string[] = [];
    for await (const match of new Glob('**/*').scan({ cwd: path.join(dir, 'nope') })) {
      found.push(match);
    }
    expect(found).toEqual([]);
  });

  it('serves the module bun with a default export', () => {
    expect(bunModule.Glob).toBe(Glob);
    expect(bunModule.default.file).toBe(file);
    expect(typeof bunModule.$).toBe('function');
  });
});
