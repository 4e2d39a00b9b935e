import { statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeToolContext } from '../../test/support/fake-tool-context';
import { gitRepo, tempDir } from '../../test/support/fixtures';
import { assertPathAllowed, FileReadTracker, resolveToolPath, stampOf } from './file-access';
import { ToolExecutionError } from './tool.types';

describe('path resolution', () => {
  it('resolves relative paths against the instance directory, keeps absolute ones', () => {
    const dir = gitRepo();
    const { instance } = fakeToolContext(join(dir, 'sub'), { worktree: dir });
    expect(resolveToolPath(instance, 'a.ts')).toBe(join(dir, 'sub', 'a.ts'));
    expect(resolveToolPath(instance, '../b.ts')).toBe(join(dir, 'b.ts'));
    expect(resolveToolPath(instance, '/etc/hosts')).toBe('/etc/hosts');
    expect(() => resolveToolPath(instance, 'a\0b')).toThrow(ToolExecutionError);
  });
});

describe('assertPathAllowed', () => {
  it('asks nothing for paths in the project', async () => {
    const dir = gitRepo();
    const ctx = fakeToolContext(dir);
    await assertPathAllowed(ctx, join(dir, 'README.md'), 'file');
    await assertPathAllowed(ctx, join(dir, 'missing', 'new.ts'), 'file');
    expect(ctx.asked).toEqual([]);
  });

  it('asks external_directory for the parent directory of an outside file', async () => {
    const dir = gitRepo();
    const outside = tempDir();
    const ctx = fakeToolContext(dir);
    await assertPathAllowed(ctx, join(outside, 'notes.txt'), 'file');
    expect(ctx.asked).toEqual([
      {
        permission: 'external_directory',
        patterns: [`${outside}/*`],
        always: [`${outside}/*`],
        metadata: { filepath: join(outside, 'notes.txt'), parentDir: outside },
      },
    ]);
  });

  it('asks for an outside directory itself when listing it', async () => {
    const dir = gitRepo();
    const outside = tempDir();
    const ctx = fakeToolContext(dir);
    await assertPathAllowed(ctx, outside, 'directory');
    expect(ctx.asked[0].patterns).toEqual([`${outside}/*`]);
  });

  it('asks for the real location behind a symlink that leaves the project', async () => {
    const dir = gitRepo();
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.txt'), 'x');
    symlinkSync(outside, join(dir, 'escape'));
    const ctx = fakeToolContext(dir);
    await assertPathAllowed(ctx, join(dir, 'escape', 'secret.txt'), 'file');
    expect(ctx.asked[0]).toMatchObject({
      permission: 'external_directory',
      patterns: [`${outside}/*`],
      metadata: { filepath: join(dir, 'escape', 'secret.txt') },
    });
  });

  it('lets a rejection propagate', async () => {
    const dir = gitRepo();
    const ctx = fakeToolContext(dir, { answer: () => false });
    await expect(assertPathAllowed(ctx, '/etc/hosts', 'file')).rejects.toMatchObject({
      name: 'PermissionRejectedError',
    });
  });
});

describe('FileReadTracker', () => {
  function fixture() {
    const dir = tempDir();
    const file = join(dir, 'a.txt');
    writeFileSync(file, 'hello\n');
    return { dir, file, tracker: new FileReadTracker() };
  }

  it('refuses a file the session never read', async () => {
    const { file, tracker } = fixture();
    await expect(tracker.assertReadAndUnchanged('s1', file)).rejects.toThrow(/must read the file/);
  });

  it('accepts an unchanged file, per session', async () => {
    const { file, tracker } = fixture();
    tracker.record('s1', file, stampOf(statSync(file)));
    await expect(tracker.assertReadAndUnchanged('s1', file)).resolves.toBeUndefined();
    await expect(tracker.assertReadAndUnchanged('s2', file)).rejects.toThrow(/must read/);
  });

  it('refuses a file whose size or modification time changed since the read', async () => {
    const { file, tracker } = fixture();
    tracker.record('s1', file, stampOf(statSync(file)));
    writeFileSync(file, 'hello world\n');
    await expect(tracker.assertReadAndUnchanged('s1', file)).rejects.toThrow(
      /modified since you last read it/,
    );

    tracker.record('s1', file, stampOf(statSync(file)));
    writeFileSync(file, 'HELLO WORLD\n'); // same size
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    await expect(tracker.assertReadAndUnchanged('s1', file)).rejects.toThrow(/Read it again/);
  });

  it('refuses a file removed since the read, and forgets sessions', async () => {
    const { dir, file, tracker } = fixture();
    tracker.record('s1', file, stampOf(statSync(file)));
    tracker.forgetSession('s1');
    expect(tracker.lastRead('s1', file)).toBeUndefined();
    const gone = join(dir, 'gone.txt');
    tracker.record('s1', gone, { mtimeMs: 1, size: 1 });
    await expect(tracker.assertReadAndUnchanged('s1', gone)).rejects.toThrow(/no longer exists/);
  });

  it('runs tasks on one file one after the other, even when one fails', async () => {
    const tracker = new FileReadTracker();
    const order: string[] = [];
    const slow = tracker.withLock('/f', async () => {
      order.push('a start');
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push('a end');
      throw new Error('a failed');
    });
    const next = tracker.withLock('/f', () => {
      order.push('b');
      return Promise.resolve('b done');
    });
    const other = tracker.withLock('/other', () => {
      order.push('other');
      return Promise.resolve();
    });
    await expect(slow).rejects.toThrow('a failed');
    await expect(next).resolves.toBe('b done');
    await other;
    expect(order).toEqual(['a start', 'other', 'a end', 'b']);
  });
});
