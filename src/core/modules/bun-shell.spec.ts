import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildScript, createShell, expandBraces, quoteArgument, ShellError } from './bun-shell';

describe('$ (bun-shell)', () => {
  const $ = createShell();
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bun-shell-'));
    await writeFile(path.join(dir, 'keep.txt'), 'keep');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** What the command received as its arguments, one per line (NUL-separated by printf). */
  async function argsOf(value: unknown): Promise<string[]> {
    const out = await $`printf '%s\\0' ${value}`.cwd(dir).text();
    return out.split('\0').slice(0, -1);
  }

  it.each([
    ['a command separator', 'a b;echo injected'],
    ['a command substitution', '$(touch pwned)'],
    ['backquotes', '`touch pwned`'],
    ['single quotes', "it's 'quoted'"],
    ['double quotes and a variable', '"$HOME"'],
    ['a newline', 'line1\nrm -rf ./keep.txt'],
    ['a glob', '*'],
    ['redirects and pipes', '> out.txt | cat && rm keep.txt'],
    ['a backslash at the end', 'x\\'],
    ['an empty string', ''],
  ])('passes %s as exactly one argument, uninterpreted', async (_label, value) => {
    expect(await argsOf(value)).toEqual([value]);
    expect((await readdir(dir)).sort()).toEqual(['keep.txt']);
  });

  it('gives an array one argument per element', async () => {
    expect(await argsOf(['a b', '; rm -rf /', '*'])).toEqual(['a b', '; rm -rf /', '*']);
  });

  it('inserts { raw } as shell syntax and other values as their string', async () => {
    expect(await $`echo ${{ raw: 'a && echo b' }}`.text()).toBe('a\nb\n');
    expect(await argsOf(42)).toEqual(['42']);
  });

  it('runs the literal parts as shell syntax (pipes, &&, redirects)', async () => {
    const out = await $`printf 'x\ny\n' | wc -l && echo done 2>/dev/null`.text();
    expect(out.replace(/ +/g, '')).toBe('2\ndone\n');
  });

  it('answers stdout, stderr and the exit code', async () => {
    const result = await $`echo out; echo err >&2`;
    expect(result.exitCode).toBe(0);
    expect(result.stdout.toString()).toBe('out\n');
    expect(result.stderr.toString()).toBe('err\n');
    expect(result.text()).toBe('out\n');
  });

  it('rejects a non-zero exit with a ShellError carrying the output', async () => {
    const error = (await $`echo partial; exit 3`.catch((e: unknown) => e)) as ShellError;
    expect(error).toBeInstanceOf(ShellError);
    expect(error.exitCode).toBe(3);
    expect(error.text()).toBe('partial\n');
  });

  it('resolves a non-zero exit with nothrow(), throws(false) and $.nothrow()', async () => {
    expect((await $`exit 4`.nothrow()).exitCode).toBe(4);
    expect((await $`exit 5`.throws(false)).exitCode).toBe(5);
    expect((await $.nothrow()`exit 6`).exitCode).toBe(6);
    // The shared $ keeps throwing.
    await expect($`exit 7`).rejects.toBeInstanceOf(ShellError);
  });

  it('parses json(), splits lines() and runs in cwd() with env()', async () => {
    expect(await $`echo '{"a":[1]}'`.json()).toEqual({ a: [1] });
    const lines: string[] = [];
    for await (const line of $`printf 'one\ntwo\n'`.lines()) lines.push(line);
    expect(lines).toEqual(['one', 'two']);
    expect(await $`pwd`.cwd(dir).text()).toBe(`${dir}\n`);
    expect(await $`printf %s "$FOO"`.env({ FOO: 'bar', PATH: '/usr/bin:/bin' }).text()).toBe('bar');
    expect(await $.cwd(dir)`ls`.text()).toBe('keep.txt\n');
    expect(await $.env({ FOO: 'baz', PATH: '/usr/bin:/bin' })`printf %s "$FOO"`.text()).toBe('baz');
  });

  it('runs the command once however often it is awaited', async () => {
    const command = $`echo once >> count.txt`.cwd(dir);
    await command;
    await command;
    expect(await $`cat count.txt`.cwd(dir).text()).toBe('once\n');
    await rm(path.join(dir, 'count.txt'));
  });

  it('escapes, expands braces and refuses NUL bytes', () => {
    expect($.escape("a'b")).toBe(`'a'\\''b'`);
    expect(expandBraces('a{b,c{d,e}}f')).toEqual(['abf', 'acdf', 'acef']);
    expect(expandBraces('{x}')).toEqual(['{x}']);
    expect(() => quoteArgument('a\0b')).toThrow(/NUL/);
    expect(buildScript(['echo ', ''], ['$(x)'])).toBe(`echo '$(x)'`);
  });
});
