import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gitRepo, runGit, tempDir } from '../support/fixtures';
import { connectSse, frameType, type SseClient } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

interface GlobalFrame {
  directory?: string;
  payload: { type: string; properties: { branch?: string } };
}

/** Longer than the watcher waits for git's writes to settle, with room for a busy machine. */
const QUIET_MS = 400;

/** `vcs.branch.updated`: the branch of an instance's worktree, followed through its HEAD. */
describe('vcs: vcs.branch.updated', () => {
  let t: TestApp;
  /** `/global/event`: sees every instance's events without making any instance live. */
  let global: SseClient;

  beforeAll(async () => {
    t = await startTestApp();
    global = connectSse(`${t.url}/global/event`);
    await global.waitFor((frame) => frameType(frame) === 'server.connected');
  });
  afterAll(async () => {
    global.close();
    await t.close();
  });

  /** The branches published for `directory` so far, in order. */
  const published = (directory: string) =>
    global.frames
      .map((frame) => frame.data as GlobalFrame)
      .filter((data) => data.payload?.type === 'vcs.branch.updated' && data.directory === directory)
      .map((data) => data.payload.properties);

  /** Waits for the `count`-th branch event of `directory` and returns it. */
  const nth = async (directory: string, count: number) => {
    await global.waitFor(() => published(directory).length >= count);
    return published(directory)[count - 1];
  };

  /** The branch GET /vcs names (its default_branch is not what these tests follow). */
  const vcs = async (directory: string) => {
    const body = (await t.http.get('/vcs').query({ directory }).expect(200)).body as {
      branch?: string;
    };
    return body.branch === undefined ? {} : { branch: body.branch };
  };

  it('publishes the new branch on /event when it switches, and GET /vcs agrees', async () => {
    const events = connectSse(`${t.url}/event`);
    try {
      await events.waitFor((frame) => frameType(frame) === 'server.connected');
      // The client asks for the branch it shows; from that answer on, switches are published.
      expect(await vcs(t.directory)).toEqual({ branch: 'main' });
      runGit(t.directory, 'checkout', '-q', '-b', 'feature');
      const updated = await events.waitFor((frame) => frameType(frame) === 'vcs.branch.updated');
      expect(updated.data).toEqual({
        id: expect.stringMatching(/^evt_/),
        type: 'vcs.branch.updated',
        properties: { branch: 'feature' },
      });
      expect(await vcs(t.directory)).toEqual({ branch: 'feature' });

      runGit(t.directory, 'checkout', '-q', 'main');
      expect(await nth(t.directory, 2)).toEqual({ branch: 'main' });
      expect(await vcs(t.directory)).toEqual({ branch: 'main' });
      expect(
        events.frames.filter((frame) => frameType(frame) === 'vcs.branch.updated'),
      ).toHaveLength(2);
    } finally {
      events.close();
    }
  });

  it('follows the branch from the first request to the instance, without GET /vcs', async () => {
    const repo = gitRepo();
    // Any instance request creates the instance, and its watch with it.
    await t.http.get('/path').query({ directory: repo }).expect(200);
    // The watch sets itself up in the background: switch until a switch is seen.
    for (let attempt = 0; published(repo).length === 0 && attempt < 25; attempt++) {
      runGit(repo, 'checkout', '-q', '-b', `early-${attempt}`);
      await sleep(200);
    }
    expect(published(repo)[0]?.branch).toMatch(/^early-\d+$/);
  });

  it('says nothing when HEAD is rewritten with the same branch or a commit is made', async () => {
    const repo = gitRepo();
    expect(await vcs(repo)).toEqual({ branch: 'main' });
    const head = join(repo, '.git/HEAD');
    writeFileSync(head, readFileSync(head));
    writeFileSync(join(repo, 'new.txt'), 'x\n');
    runGit(repo, 'add', 'new.txt');
    runGit(repo, 'commit', '-q', '-m', 'second');
    await sleep(QUIET_MS);
    // A real switch afterwards is the first event: reads are reported in order, so an event of
    // the rewrite would have come before it.
    runGit(repo, 'switch', '-q', '-c', 'next');
    expect(await nth(repo, 1)).toEqual({ branch: 'next' });
    expect(published(repo)).toEqual([{ branch: 'next' }]);
  });

  it('reports a detached HEAD as GET /vcs does (HEAD), and the branch again after', async () => {
    const repo = gitRepo();
    await vcs(repo);
    runGit(repo, 'checkout', '-q', '--detach');
    expect(await nth(repo, 1)).toEqual({ branch: 'HEAD' });
    expect(await vcs(repo)).toEqual({ branch: 'HEAD' });
    runGit(repo, 'checkout', '-q', 'main');
    expect(await nth(repo, 2)).toEqual({ branch: 'main' });
  });

  it('publishes one event for a burst of switches, with the branch they ended on', async () => {
    const repo = gitRepo();
    await vcs(repo);
    // Back-to-back switches ending where they started: no change to report.
    runGit(repo, 'checkout', '-q', '-b', 'one');
    runGit(repo, 'checkout', '-q', 'main');
    runGit(repo, 'checkout', '-q', '-b', 'two');
    expect(await nth(repo, 1)).toEqual({ branch: 'two' });
    await sleep(QUIET_MS);
    expect(published(repo)).toEqual([{ branch: 'two' }]);
  });

  it('follows a linked worktree through its own HEAD, for its own instance', async () => {
    const repo = gitRepo();
    const linked = join(tempDir('opencode-worktree-'), 'linked');
    runGit(repo, 'worktree', 'add', '-q', '-b', 'side', linked);
    await Promise.all([vcs(repo), vcs(linked)]);
    runGit(linked, 'checkout', '-q', '-b', 'side-2');
    expect(await nth(linked, 1)).toEqual({ branch: 'side-2' });
    expect(await vcs(linked)).toEqual({ branch: 'side-2' });
    runGit(repo, 'checkout', '-q', '-b', 'main-2');
    expect(await nth(repo, 1)).toEqual({ branch: 'main-2' });
    expect(published(linked)).toEqual([{ branch: 'side-2' }]);
    expect(published(repo)).toEqual([{ branch: 'main-2' }]);
  });

  it('a subdirectory instance follows the branch of its worktree', async () => {
    const repo = gitRepo();
    const sub = join(repo, 'packages/app');
    mkdirSync(sub, { recursive: true });
    await vcs(sub);
    runGit(repo, 'checkout', '-q', '-b', 'from-sub');
    expect(await nth(sub, 1)).toEqual({ branch: 'from-sub' });
  });

  it('stops when the instance is disposed, and starts again with its next GET /vcs', async () => {
    const repo = gitRepo();
    await vcs(repo);
    await t.http.post('/instance/dispose').query({ directory: repo }).expect(200);
    runGit(repo, 'checkout', '-q', '-b', 'unseen');
    await sleep(QUIET_MS);
    expect(published(repo)).toEqual([]);
    expect(await vcs(repo)).toEqual({ branch: 'unseen' });
    runGit(repo, 'checkout', '-q', 'main');
    expect(await nth(repo, 1)).toEqual({ branch: 'main' });
  });

  it('watches nothing outside git', async () => {
    const plain = tempDir('opencode-plain-');
    expect(await vcs(plain)).toEqual({});
    // The directory becomes a repository behind the instance's back: it stays a non-git
    // project until disposed, like GET /vcs.
    runGit(plain, 'init', '-q', '-b', 'main');
    runGit(plain, 'checkout', '-q', '-b', 'later');
    await sleep(QUIET_MS);
    expect(published(plain)).toEqual([]);
  });
});
