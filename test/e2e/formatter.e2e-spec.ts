import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { InstanceService } from '../../src/core/instance/instance.service';
import type { Instance } from '../../src/core/instance/instance';
import { FormatterService } from '../../src/formatter/formatter.service';
import { gitRepo, writeFiles } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

/** A formatter for tests: upper-cases the file in place, appending `$UPPER_SUFFIX`. */
const UPPER_SCRIPT = `const fs = require('node:fs');
const file = process.argv[2];
fs.writeFileSync(file, fs.readFileSync(file, 'utf8').toUpperCase() + (process.env.UPPER_SUFFIX ?? ''));
`;

const PRETTIER_BIN = join(__dirname, '..', '..', 'node_modules', '.bin', 'prettier');

interface Status {
  name: string;
  extensions: string[];
  enabled: boolean;
}

describe('Formatter: GET /formatter and formatFile', () => {
  let t: TestApp;
  let formatter: FormatterService;
  const instanceOf = (directory: string): Promise<Instance> =>
    t.app.get(InstanceService).resolve(directory);
  const list = async (directory: string): Promise<Status[]> =>
    (await t.http.get('/formatter').query({ directory }).expect(200)).body;
  const read = (file: string) => readFileSync(file, 'utf8');

  beforeAll(async () => {
    t = await startTestApp();
    formatter = t.app.get(FormatterService);
  });
  afterAll(() => t.close());

  it('lists nothing and formats nothing when formatter is omitted or false', async () => {
    for (const config of [{}, { formatter: false }]) {
      const directory = gitRepo({ 'opencode.json': JSON.stringify(config), 'a.go': 'x\n' });
      expect(await list(directory)).toEqual([]);
      const file = join(directory, 'a.go');
      expect(await formatter.formatFile(await instanceOf(directory), file)).toBe(false);
      expect(read(file)).toBe('x\n');
    }
  });

  it('runs a configured formatter, lists one whose binary is missing as disabled', async () => {
    const directory = gitRepo({ 'tools/upper.js': UPPER_SCRIPT, 'a.txt': 'hello\n' });
    const upper = join(directory, 'tools/upper.js');
    writeFiles(directory, {
      'opencode.json': JSON.stringify({
        formatter: {
          upper: {
            command: ['node', upper, '$FILE'],
            extensions: ['.txt'],
            environment: { UPPER_SUFFIX: '!' },
          },
          missing: { command: ['opencode-no-such-formatter', '$FILE'], extensions: ['.zz'] },
          failing: { command: ['node', '-e', 'process.exit(3)', '$FILE'], extensions: ['.bad'] },
          gofmt: { disabled: true },
        },
      }),
      'b.zz': 'untouched\n',
      'c.bad': 'untouched\n',
      'd.unknown': 'untouched\n',
    });
    const listed = await list(directory);
    const byName = new Map(listed.map((item) => [item.name, item]));
    expect(byName.get('upper')).toEqual({ name: 'upper', extensions: ['.txt'], enabled: true });
    expect(byName.get('missing')).toEqual({ name: 'missing', extensions: ['.zz'], enabled: false });
    // Built-ins are listed too, in the reference's order, minus the disabled one.
    const names = listed.map((item) => item.name);
    expect(names).not.toContain('gofmt');
    expect(names.slice(0, 3)).toEqual(['mix', 'prettier', 'biome']);
    expect(names).toEqual(expect.arrayContaining(['rustfmt', 'ruff', 'uv', 'clang-format']));
    expect(names.slice(-3)).toEqual(['upper', 'missing', 'failing']);
    // No dependency on prettier, no .clang-format: not enabled whatever is installed.
    expect(byName.get('prettier')).toMatchObject({ enabled: false });
    expect(byName.get('clang-format')).toMatchObject({ enabled: false });
    expect(byName.get('prettier')?.extensions).toEqual(expect.arrayContaining(['.ts', '.md']));

    const instance = await instanceOf(directory);
    const file = join(directory, 'a.txt');
    expect(await formatter.formatFile(instance, file)).toBe(true);
    expect(read(file)).toBe('HELLO\n!');

    // Missing binary, failing command, unknown extension, relative path: false, never a throw.
    expect(await formatter.formatFile(instance, join(directory, 'b.zz'))).toBe(false);
    expect(read(join(directory, 'b.zz'))).toBe('untouched\n');
    expect(await formatter.formatFile(instance, join(directory, 'c.bad'))).toBe(false);
    expect(await formatter.formatFile(instance, join(directory, 'd.unknown'))).toBe(false);
    expect(await formatter.formatFile(instance, 'a.txt')).toBe(false);
    expect(await formatter.formatFile(instance, join(directory, 'gone.txt'))).toBe(false);

    // Two formats of one file in a row run one after the other.
    writeFiles(directory, { 'a.txt': 'again\n' });
    const both = await Promise.all([
      formatter.formatFile(instance, file),
      formatter.formatFile(instance, file),
    ]);
    expect(both).toEqual([true, true]);
    expect(read(file)).toBe('AGAIN\n!!');

    // A config change is picked up without a restart.
    await t.http.patch('/config').query({ directory }).send({ formatter: false }).expect(200);
    expect(await list(directory)).toEqual([]);
    expect(await formatter.formatFile(instance, file)).toBe(false);
  });

  it('enables prettier only for a project that depends on it', async () => {
    const directory = gitRepo({
      'opencode.json': JSON.stringify({ formatter: true }),
      'package.json': JSON.stringify({ devDependencies: { prettier: '^3.0.0' } }),
      'src/a.ts': 'const  a={b:1}\n',
      'node_modules/.bin/.keep': '',
    });
    symlinkSync(PRETTIER_BIN, join(directory, 'node_modules/.bin/prettier'));
    const prettier = (await list(directory)).find((item) => item.name === 'prettier');
    expect(prettier).toMatchObject({ enabled: true });
    const file = join(directory, 'src/a.ts');
    expect(await formatter.formatFile(await instanceOf(directory), file)).toBe(true);
    expect(read(file)).toBe('const a = { b: 1 };\n');

    // The same binary without the dependency: not this project's formatter.
    const other = gitRepo({
      'opencode.json': JSON.stringify({ formatter: true }),
      'package.json': JSON.stringify({ dependencies: {} }),
      'node_modules/.bin/.keep': '',
    });
    symlinkSync(PRETTIER_BIN, join(other, 'node_modules/.bin/prettier'));
    expect((await list(other)).find((item) => item.name === 'prettier')).toMatchObject({
      enabled: false,
    });
  });
});
