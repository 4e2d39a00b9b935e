import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gitRepo, runGit, tempDir } from '../../test/support/fixtures';
import { BranchWatcher } from './branch-watcher';

/** Well past the settle time used below, so a missing report is not just a late one. */
const QUIET_MS = 200;
const SETTLE_MS = 20;

/** A read whose answers the test hands out one by one, recording when each call was made. */
function scriptedRead() {
  const calls: Array<(branch: string | undefined) => void> = [];
  let waiter: (() => void) | undefined;
  return {
    calls,
    read: () =>
      new Promise<string | undefined>((resolve) => {
        calls.push(resolve);
        waiter?.();
      }),
    /** Resolves once the read has been called `count` times in all. */
    async called(count: number): Promise<void> {
      while (calls.length < count) await new Promise<void>((resolve) => (waiter = resolve));
    },
  };
}

describe('BranchWatcher', () => {
  let repo: string;
  let changes: Array<string | undefined>;
  let errors: Error[];
  let watcher: BranchWatcher | undefined;

  const touchHead = () => {
    const head = join(repo, '.git/HEAD');
    writeFileSync(head, readFileSync(head));
  };

  beforeEach(() => {
    repo = gitRepo();
    changes = [];
    errors = [];
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    expect(errors).toEqual([]);
  });

  const create = (options: { read?: (worktree: string) => Promise<string | undefined> } = {}) =>
    new BranchWatcher(repo, {
      onChange: (branch) => changes.push(branch),
      onError: (error) => errors.push(error),
      settleMs: SETTLE_MS,
      ...options,
    });

  it('reports each change of the branch once, read the way GET /vcs reads it', async () => {
    watcher = create();
    await watcher.start();
    runGit(repo, 'checkout', '-q', '-b', 'feature');
    await sleep(QUIET_MS);
    runGit(repo, 'checkout', '-q', '--detach');
    await sleep(QUIET_MS);
    touchHead();
    await sleep(QUIET_MS);
    expect(changes).toEqual(['feature', 'HEAD']);
  });

  it('reads once for a burst of HEAD writes', async () => {
    const script = scriptedRead();
    watcher = create({ read: script.read });
    const started = watcher.start();
    await script.called(1);
    script.calls[0]('main');
    await started;
    for (let i = 0; i < 5; i++) touchHead();
    await script.called(2);
    script.calls[1]('main');
    await sleep(QUIET_MS);
    expect(script.calls).toHaveLength(2);
    expect(changes).toEqual([]);
  });

  it('never reads twice at once, and reports in the order HEAD changed', async () => {
    const script = scriptedRead();
    watcher = create({ read: script.read });
    const started = watcher.start();
    await script.called(1);
    script.calls[0]('main');
    await started;
    touchHead();
    await script.called(2);
    // HEAD changes again while that read is still out: the next read waits for it.
    touchHead();
    await sleep(QUIET_MS);
    expect(script.calls).toHaveLength(2);
    script.calls[1]('first');
    await script.called(3);
    script.calls[2]('second');
    await sleep(QUIET_MS);
    expect(changes).toEqual(['first', 'second']);
  });

  it('reports nothing once closed, and close waits for the read in progress', async () => {
    const script = scriptedRead();
    watcher = create({ read: script.read });
    const started = watcher.start();
    await script.called(1);
    script.calls[0]('main');
    await started;
    touchHead();
    await script.called(2);
    let closed = false;
    const closing = watcher.close().then(() => (closed = true));
    await sleep(10);
    expect(closed).toBe(false);
    script.calls[1]('feature');
    await closing;
    touchHead();
    await sleep(QUIET_MS);
    expect(script.calls).toHaveLength(2);
    expect(changes).toEqual([]);
  });

  it('closed while starting, it never watches', async () => {
    const script = scriptedRead();
    watcher = create({ read: script.read });
    const started = watcher.start();
    await watcher.close();
    await started;
    runGit(repo, 'checkout', '-q', '-b', 'feature');
    await sleep(QUIET_MS);
    expect(script.calls).toHaveLength(0);
  });

  it('watches nothing outside a git repository', async () => {
    const script = scriptedRead();
    repo = tempDir();
    watcher = create({ read: script.read });
    await watcher.start();
    expect(script.calls).toHaveLength(0);
  });
});
