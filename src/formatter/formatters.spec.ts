import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/support/fixtures';
import { isInside } from '../core/fs/jail';
import { ancestors, findExecutable } from './executable';
import { resolveFormatters, type FormatterContext, type FormatterDefinition } from './formatters';

function builtIn(name: string, extensions: string[], command: string[] | false) {
  return { name, extensions, command: () => Promise.resolve(command) } as FormatterDefinition;
}

const BUILT_INS = [
  builtIn('gofmt', ['.go'], ['gofmt', '-w', '$FILE']),
  builtIn('prettier', ['.ts', '.md'], ['prettier', '--write', '$FILE']),
  builtIn('ruff', ['.py'], false),
  builtIn('uv', ['.py'], ['uv', 'format', '--', '$FILE']),
];

const names = (items: FormatterDefinition[]) => items.map((item) => item.name);

describe('resolveFormatters', () => {
  it('disables everything when omitted or false, enables the built-ins with true', () => {
    expect(resolveFormatters(undefined, BUILT_INS).listed).toEqual([]);
    expect(resolveFormatters(false, BUILT_INS).listed).toEqual([]);
    expect(names(resolveFormatters(true, BUILT_INS).listed)).toEqual([
      'gofmt',
      'prettier',
      'ruff',
      'uv',
    ]);
  });

  it('merges entries over the built-ins: disable, override in place, add at the end', () => {
    const set = resolveFormatters(
      {
        gofmt: { disabled: true },
        prettier: { extensions: ['.ts'] },
        upper: { command: ['node', 'upper.js', '$FILE'], extensions: ['.txt'] },
        nothing: { extensions: ['.x'] },
      },
      BUILT_INS,
    );
    expect(names(set.listed)).toEqual(['prettier', 'ruff', 'uv', 'upper', 'nothing']);
    expect(set.listed[0].extensions).toEqual(['.ts']);
    // What the config names is preferred when choosing a file's formatter.
    expect(names(set.preferred)).toEqual(['prettier', 'upper', 'nothing', 'ruff', 'uv']);
  });

  it('disables ruff and uv together (uv formats with ruff)', () => {
    expect(names(resolveFormatters({ uv: { disabled: true } }, BUILT_INS).listed)).toEqual([
      'gofmt',
      'prettier',
    ]);
  });

  it('keeps a built-in check when an entry only changes extensions or environment', async () => {
    const ctx = { directory: '/', worktree: '/', path: '', env: {} } as FormatterContext;
    const [gofmt] = resolveFormatters({ gofmt: { environment: { A: '1' } } }, BUILT_INS).listed;
    expect(gofmt.environment).toEqual({ A: '1' });
    expect(await gofmt.command(ctx)).toEqual(['gofmt', '-w', '$FILE']);
    const nothing = resolveFormatters({ nothing: { extensions: ['.x'] } }, BUILT_INS).listed.at(
      -1,
    )!;
    expect(await nothing.command(ctx)).toBe(false);
  });
});

describe('findExecutable', () => {
  it('looks in node_modules/.bin only for npm tools, then on PATH; paths are checked as given', async () => {
    const root = tempDir();
    const bin = join(root, 'bin');
    mkdirSync(join(root, 'project/sub/node_modules/.bin'), { recursive: true });
    mkdirSync(join(root, 'project/node_modules/.bin'), { recursive: true });
    mkdirSync(bin);
    const script = (file: string) => {
      writeFileSync(file, '#!/bin/sh\n');
      chmodSync(file, 0o755);
    };
    script(join(root, 'project/node_modules/.bin/tool'));
    script(join(bin, 'tool'));
    writeFileSync(join(bin, 'not-executable'), '');
    const ctx = {
      directory: join(root, 'project/sub'),
      worktree: join(root, 'project'),
      path: `/nonexistent:${bin}`,
    };
    expect(await findExecutable('tool', ctx, { projectLocal: true })).toBe(
      join(root, 'project/node_modules/.bin/tool'),
    );
    expect(await findExecutable('tool', ctx)).toBe(join(bin, 'tool'));
    expect(await findExecutable('not-executable', ctx)).toBeUndefined();
    expect(await findExecutable('missing', ctx, { projectLocal: true })).toBeUndefined();
    expect(await findExecutable(join(bin, 'tool'), ctx)).toBe(join(bin, 'tool'));
    expect(await findExecutable('../node_modules/.bin/tool', ctx)).toBe(
      join(root, 'project/node_modules/.bin/tool'),
    );
  });

  it('walks ancestors only within the stop directory', () => {
    expect(ancestors('/a/b/c', '/a')).toEqual(['/a/b/c', '/a/b', '/a']);
    expect(ancestors('/x/y', '/a')).toEqual(['/x/y']);
    expect(isInside('/a', '/a/b')).toBe(true);
    expect(isInside('/a', '/ab')).toBe(false);
    expect(isInside('/', '/anything')).toBe(true);
  });
});
