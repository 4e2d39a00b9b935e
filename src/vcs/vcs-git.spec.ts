import { gitRepo, runGit, tempDir, writeFiles } from '../../test/support/fixtures';
import {
  applyPatch,
  defaultBranch,
  placeholderPatch,
  scopeOf,
  splitPatches,
  trackedPatches,
  unquote,
} from './vcs-git';

describe('vcs-git', () => {
  describe('splitPatches', () => {
    it('cuts git diff output into one patch per file, named from its header', () => {
      const text =
        'diff --git a/a.txt b/a.txt\nindex 1..2 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+b\n' +
        'diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n' +
        'diff --git a/new.txt b/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+n\n';
      expect(splitPatches(text).map((chunk) => chunk.file)).toEqual([
        'a.txt',
        'gone.txt',
        'new.txt',
      ]);
      expect(
        splitPatches(text)
          .map((chunk) => chunk.patch)
          .join(''),
      ).toBe(text);
    });

    it('never reads a removed line of a hunk as a file header', () => {
      const text =
        'diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1 @@\n--- b/trap\n+++ b/trap2\n';
      expect(splitPatches(text)).toEqual([{ file: 'a.txt', patch: text }]);
    });

    it('names a binary or mode-only change from its diff --git line', () => {
      const text =
        'diff --git a/dir with space/x.bin b/dir with space/x.bin\nindex 1..2 100644\nBinary files a/dir with space/x.bin and b/dir with space/x.bin differ\n' +
        'diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n';
      expect(splitPatches(text).map((chunk) => chunk.file)).toEqual([
        'dir with space/x.bin',
        'run.sh',
      ]);
    });

    it('reads quoted names, escapes and octal bytes included', () => {
      const text =
        'diff --git "a/tab\\there.txt" "b/tab\\there.txt"\n--- "a/tab\\there.txt"\n+++ "b/tab\\there.txt"\n@@ -1 +1 @@\n-a\n+b\n' +
        'diff --git "a/q\\"uote.bin" "b/q\\"uote.bin"\nBinary files differ\n';
      expect(splitPatches(text).map((chunk) => chunk.file)).toEqual([
        'tab\there.txt',
        'q"uote.bin',
      ]);
    });

    it('finds nothing in empty output', () => {
      expect(splitPatches('')).toEqual([]);
    });
  });

  describe('unquote', () => {
    it('decodes C escapes and octal UTF-8 bytes, and says where the quote ends', () => {
      expect(unquote('"a\\\\b\\n\\303\\274" rest')).toEqual({ value: 'a\\b\nü', end: 16 });
    });

    it('is undefined for an unterminated string', () => {
      expect(unquote('"open')).toBeUndefined();
    });
  });

  it('placeholderPatch names the file and has no hunks', () => {
    expect(placeholderPatch('big.bin')).toBe(
      `Index: big.bin\n${'='.repeat(67)}\n--- big.bin\t\n+++ big.bin\t\n`,
    );
  });

  it('trackedPatches leaves out the file git was writing when its output is cut', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    writeFiles(repo, { 'a.txt': 'A\n', 'b.txt': `${'B'.repeat(5000)}\n` });
    const scope = scopeOf(repo, repo);
    const base = runGit(repo, 'rev-parse', 'HEAD').trim();
    const whole = await trackedPatches(scope, base, 3);
    expect([...whole.patches.keys()]).toEqual(['a.txt', 'b.txt']);
    expect(whole.truncated).toBe(false);
    const cut = await trackedPatches(scope, base, 3, 1000);
    expect([...cut.patches.keys()]).toEqual(['a.txt']);
    expect(cut.truncated).toBe(true);
  });

  describe('defaultBranch', () => {
    it('prefers the HEAD of the origin remote', async () => {
      const origin = gitRepo();
      runGit(origin, 'branch', '-m', 'main', 'trunk');
      const clone = tempDir();
      runGit(clone, 'clone', '-q', origin, '.');
      runGit(clone, 'checkout', '-q', '-b', 'main');
      await expect(defaultBranch(clone)).resolves.toEqual({ name: 'trunk', ref: 'origin/trunk' });
    });

    it('falls back to init.defaultBranch, then main, then master, when such a branch exists', async () => {
      const repo = gitRepo();
      await expect(defaultBranch(repo)).resolves.toEqual({ name: 'main', ref: 'main' });
      runGit(repo, 'branch', 'develop');
      runGit(repo, 'config', 'init.defaultBranch', 'develop');
      await expect(defaultBranch(repo)).resolves.toEqual({ name: 'develop', ref: 'develop' });
      runGit(repo, 'config', 'init.defaultBranch', 'nowhere');
      runGit(repo, 'branch', '-m', 'main', 'master');
      await expect(defaultBranch(repo)).resolves.toEqual({ name: 'master', ref: 'master' });
      runGit(repo, 'branch', '-m', 'master', 'other');
      await expect(defaultBranch(repo)).resolves.toBeUndefined();
    });
  });

  describe('applyPatch', () => {
    it('writes nothing when one file of the patch does not apply', async () => {
      const repo = gitRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
      const patch =
        'diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+A\n' +
        'diff --git a/b.txt b/b.txt\n--- a/b.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-x\n+B\n';
      await expect(applyPatch(repo, patch)).resolves.toEqual({
        applied: false,
        message: expect.stringContaining('b.txt') as string,
      });
      expect(runGit(repo, 'status', '--porcelain')).toBe('');
    });
  });
});
