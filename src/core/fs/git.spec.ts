import { EMPTY_TREE, headOrEmptyTree, repoInfo, runGit, runGitBytes } from './git';
import { git, gitRepo, removeDir, tempDir } from './spec-fixtures';

describe('runGit', () => {
  let repo: string;
  beforeEach(() => {
    repo = gitRepo({ 'a.txt': 'one\n', 'sub/b.txt': 'two\n' });
  });
  afterEach(() => removeDir(repo));

  it('answers the exit code and output, never throwing for a failure', async () => {
    const ok = await runGit(repo, ['ls-files']);
    expect(ok).toEqual({ code: 0, stdout: 'a.txt\nsub/b.txt\n', stderr: '' });
    const bad = await runGit(repo, ['rev-parse', '--verify', '--quiet', 'nope']);
    expect(bad.code).toBe(1);
  });

  it('writes the input to stdin and keeps bytes when asked', async () => {
    const blob = git(repo, 'rev-parse', 'HEAD:a.txt').trim();
    const out = await runGitBytes(repo, ['cat-file', '--batch'], { input: `${blob}\n` });
    expect(out.code).toBe(0);
    expect(Buffer.isBuffer(out.stdout)).toBe(true);
    expect(out.stdout.toString('utf8')).toBe(`${blob} blob 4\none\n\n`);
  });

  it('stops git at maxBuffer and says the output was cut there', async () => {
    const out = await runGit(repo, ['ls-files'], { maxBuffer: 4 });
    expect(out).toMatchObject({ code: -1, stdout: 'a.tx', truncated: true });
  });

  it('runs with exactly the environment it is given', async () => {
    const out = await runGit(repo, ['var', 'GIT_AUTHOR_IDENT'], {
      env: {
        PATH: process.env.PATH,
        HOME: repo,
        GIT_AUTHOR_NAME: 'Given',
        GIT_AUTHOR_EMAIL: 'given@example.com',
      },
    });
    expect(out.stdout).toMatch(/^Given <given@example\.com> /);
  });

  it('takes pathspecs literally', async () => {
    const out = await runGit(repo, ['ls-files', '--', '*.txt']);
    expect(out).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('repoInfo and headOrEmptyTree', () => {
  it('place a directory in its repository, with the empty tree before the first commit', async () => {
    const repo = gitRepo({ 'sub/a.txt': 'x' });
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    await expect(repoInfo(`${repo}/sub`)).resolves.toEqual({ prefix: 'sub/', base: head });
    const empty = tempDir();
    git(empty, 'init', '-q');
    await expect(headOrEmptyTree(empty)).resolves.toBe(EMPTY_TREE);
    const plain = tempDir();
    await expect(repoInfo(plain)).resolves.toBeUndefined();
    [repo, empty, plain].forEach(removeDir);
  });
});
