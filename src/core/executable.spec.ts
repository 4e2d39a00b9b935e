import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/support/fixtures';
import { ancestors, findExecutable } from './executable';
import { isInside } from './fs/jail';

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
