import { errorMessage } from '../core/errors/error-message';
import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { access, lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConfigService } from '../config/config.service';
import { AppEnvironment } from '../core/config/app-environment';
import { runGit, runGitBytes, type GitBytesResult } from '../core/fs/git';
import { relativeInside } from '../core/fs/jail';
import type { Instance } from '../core/instance/instance';
import { KeyedQueue } from '../core/keyed-queue';
import { diffText } from '../core/text-diff';
import { parseCatFileBatch, snapshotGitEnv, splitNul } from './snapshot-git';
import { SnapshotError } from './snapshot.errors';
import type { FileDiff, SnapshotPatch } from './snapshot.types';

/** Files above this size stay out of snapshots (as the reference): build outputs, media, dumps. */
export const MAX_SNAPSHOT_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Settings for every snapshot command: bytes as they are on disk (no line-ending conversion),
 * symlinks as links, paths printed unquoted, no filesystem monitor of the user's config.
 */
const GIT_SETTINGS = [
  '-c',
  'core.autocrlf=false',
  '-c',
  'core.safecrlf=false',
  '-c',
  'core.longpaths=true',
  '-c',
  'core.symlinks=true',
  '-c',
  'core.quotepath=false',
  '-c',
  'core.fsmonitor=false',
];

/** The most output one snapshot git command may print (both versions of every changed file). */
const MAX_GIT_OUTPUT_BYTES = 256 * 1024 * 1024;

/** Paths per git command line when restoring many files. */
const PATHS_PER_COMMAND = 100;
/** Files stat'ed at once when looking for large ones. */
const STAT_CONCURRENCY = 64;

/** Where one project worktree's snapshots live, and the files they cover. */
interface SnapshotRepo {
  gitdir: string;
  /** The snapshot's root: the git worktree, or the directory itself outside git. */
  worktree: string;
  isGitProject: boolean;
}

/**
 * Snapshots of a project's files, kept in a git repository of their own in the data directory
 * (`snapshot/<projectID>/<worktree hash>`), never in the project's `.git`: `track` records the
 * worktree as a tree object, and the other calls compare or restore files against such trees.
 * The project's `.gitignore` files and `info/exclude` apply; large files are left out.
 * Commands on one snapshot repository run one at a time (git's index is a single file).
 */
@Injectable()
export class SnapshotService {
  private readonly logger = new Logger(SnapshotService.name);
  private readonly queue = new KeyedQueue();
  private readonly gitEnv: NodeJS.ProcessEnv;

  constructor(
    private readonly env: AppEnvironment,
    private readonly config: ConfigService,
  ) {
    this.gitEnv = snapshotGitEnv(env.variables);
  }

  /**
   * Records the current files and returns the tree hash, or undefined when snapshots are off
   * (config `snapshot: false`, or a directory too broad to snapshot) or git failed: a turn goes
   * on without snapshots rather than failing.
   */
  async track(instance: Instance): Promise<string | undefined> {
    const repo = this.repoOf(instance);
    if (!(await this.enabled(instance, repo))) return undefined;
    try {
      return await this.exclusive(repo, async () => {
        await this.ensureRepository(repo);
        await this.stage(repo);
        const tree = await this.git(repo, ['write-tree']);
        if (tree.code !== 0) throw new Error(tree.stderr.trim());
        return tree.stdout.toString('utf8').trim();
      });
    } catch (error) {
      this.logger.warn(`snapshot of ${repo.worktree} failed: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /** The files (absolute paths) that differ now from snapshot `hash`. */
  async patch(instance: Instance, hash: string): Promise<SnapshotPatch> {
    const repo = this.repoOf(instance);
    if (!(await this.exists(repo))) return { hash, files: [] };
    try {
      return await this.exclusive(repo, async () => {
        await this.stage(repo);
        const names = await this.git(repo, [
          'diff',
          '--cached',
          '--no-ext-diff',
          '--name-only',
          '--no-renames',
          '-z',
          hash,
          '--',
        ]);
        if (names.code !== 0) throw new Error(names.stderr.trim());
        return { hash, files: splitNul(names.stdout).map((file) => join(repo.worktree, file)) };
      });
    } catch (error) {
      this.logger.warn(`patch since ${hash} failed: ${errorMessage(error)}`);
      return { hash, files: [] };
    }
  }

  /**
   * The files changed from snapshot `from` to snapshot `to` (to the current files when `to` is
   * absent), with line counts and a unified patch for text files. An unknown snapshot (its
   * repository was deleted) gives no changes.
   */
  async diff(instance: Instance, from: string, to?: string): Promise<FileDiff[]> {
    const target = to ?? (await this.track(instance));
    if (!target) return [];
    const repo = this.repoOf(instance);
    if (!(await this.exists(repo))) return [];
    try {
      return await this.exclusive(repo, () => this.compare(repo, from, target));
    } catch (error) {
      this.logger.warn(`diff ${from}..${target} failed: ${errorMessage(error)}`);
      return [];
    }
  }

  /** The current files against snapshot `hash` as one unified diff (git's format). */
  async diffText(instance: Instance, hash: string): Promise<string> {
    const repo = this.repoOf(instance);
    if (!(await this.exists(repo))) return '';
    try {
      return await this.exclusive(repo, async () => {
        await this.stage(repo);
        const diff = await this.git(repo, [
          'diff',
          '--cached',
          '--no-ext-diff',
          '--no-renames',
          hash,
          '--',
        ]);
        if (diff.code !== 0) throw new Error(diff.stderr.trim());
        return diff.stdout.toString('utf8').trim();
      });
    } catch (error) {
      this.logger.warn(`diff against ${hash} failed: ${errorMessage(error)}`);
      return '';
    }
  }

  /**
   * Writes every file of snapshot `hash` back to the worktree (files created since are kept).
   * Throws `SnapshotError` when git cannot.
   */
  async restore(instance: Instance, hash: string): Promise<void> {
    const repo = this.repoOf(instance);
    if (!(await this.exists(repo)))
      throw new SnapshotError(hash, 'No snapshots exist for this project');
    await this.exclusive(repo, async () => {
      const read = await this.git(repo, ['read-tree', hash]);
      if (read.code !== 0)
        throw new SnapshotError(hash, `Cannot read snapshot: ${read.stderr.trim()}`);
      const checkout = await this.git(repo, ['checkout-index', '-a', '-f']);
      if (checkout.code !== 0) {
        throw new SnapshotError(hash, `Cannot restore files: ${checkout.stderr.trim()}`);
      }
    });
  }

  /**
   * Puts the files of each patch back as they were in its snapshot; a file that did not exist
   * then is deleted. When patches name the same file, the first (oldest) wins. Paths outside the
   * snapshot's root are ignored. Throws `SnapshotError` when git cannot restore a file.
   */
  async revertFiles(instance: Instance, patches: readonly SnapshotPatch[]): Promise<void> {
    const repo = this.repoOf(instance);
    const byHash = new Map<string, string[]>();
    const seen = new Set<string>();
    for (const patch of patches) {
      for (const file of patch.files) {
        const rel = relativeInside(repo.worktree, file);
        if (!rel) {
          this.logger.warn(`not reverting ${file}: outside ${repo.worktree}`);
          continue;
        }
        if (seen.has(rel)) continue;
        seen.add(rel);
        const files = byHash.get(patch.hash) ?? [];
        files.push(rel);
        byHash.set(patch.hash, files);
      }
    }
    if (byHash.size === 0) return;
    if (!(await this.exists(repo))) {
      throw new SnapshotError([...byHash.keys()][0], 'No snapshots exist for this project');
    }
    await this.exclusive(repo, async () => {
      for (const [hash, files] of byHash) {
        for (let i = 0; i < files.length; i += PATHS_PER_COMMAND) {
          await this.revertChunk(repo, hash, files.slice(i, i + PATHS_PER_COMMAND));
        }
      }
    });
  }

  /**
   * `file` (absolute, as patches list it) relative to the instance's snapshot root, as diffs name
   * files; undefined when it lies outside.
   */
  relativePath(instance: Instance, file: string): string | undefined {
    // The root itself is no file of a diff.
    return relativeInside(this.repoOf(instance).worktree, file) || undefined;
  }

  private async revertChunk(repo: SnapshotRepo, hash: string, files: string[]): Promise<void> {
    const listed = await this.git(repo, ['ls-tree', '-z', '--name-only', hash, '--', ...files]);
    if (listed.code !== 0) {
      throw new SnapshotError(hash, `Cannot read snapshot: ${listed.stderr.trim()}`);
    }
    const existed = new Set(splitNul(listed.stdout));
    const restore = files.filter((file) => existed.has(file));
    const remove = files.filter((file) => !existed.has(file));
    if (restore.length > 0) {
      const checkout = await this.git(repo, ['checkout', hash, '--', ...restore]);
      if (checkout.code !== 0) {
        throw new SnapshotError(hash, `Cannot restore files: ${checkout.stderr.trim()}`);
      }
    }
    for (const file of remove) {
      await rm(join(repo.worktree, file), { force: true });
    }
  }

  private async compare(repo: SnapshotRepo, from: string, to: string): Promise<FileDiff[]> {
    const [names, counts] = await Promise.all([
      this.git(repo, [
        'diff',
        '--no-ext-diff',
        '--no-renames',
        '--name-status',
        '-z',
        from,
        to,
        '--',
      ]),
      this.git(repo, ['diff', '--no-ext-diff', '--no-renames', '--numstat', '-z', from, to, '--']),
    ]);
    if (names.code !== 0) throw new Error(names.stderr.trim());
    if (counts.code !== 0) throw new Error(counts.stderr.trim());
    const status = new Map<string, FileDiff['status']>();
    const fields = splitNul(names.stdout);
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const code = fields[i];
      status.set(
        fields[i + 1],
        code.startsWith('A') ? 'added' : code.startsWith('D') ? 'deleted' : 'modified',
      );
    }
    const diffs: FileDiff[] = [];
    for (const entry of splitNul(counts.stdout)) {
      const [additions, deletions, file] = entry.split('\t');
      if (file === undefined) continue;
      const binary = additions === '-' && deletions === '-';
      diffs.push({
        file,
        additions: binary ? 0 : Number(additions) || 0,
        deletions: binary ? 0 : Number(deletions) || 0,
        status: status.get(file) ?? 'modified',
      });
    }
    await this.addPatches(
      repo,
      from,
      to,
      diffs.filter((diff) => diff.additions + diff.deletions > 0),
    );
    // Key order as the reference sends it.
    return diffs.map(({ file, patch, additions, deletions, status: kind }) => ({
      file,
      ...(patch !== undefined && { patch }),
      additions,
      deletions,
      status: kind,
    }));
  }

  /** Sets `patch` on each text diff, reading both versions in one `cat-file --batch` run. */
  private async addPatches(
    repo: SnapshotRepo,
    from: string,
    to: string,
    diffs: FileDiff[],
  ): Promise<void> {
    // A name with a newline cannot be asked for on cat-file's line-based input.
    const readable = diffs.filter((diff) => !diff.file.includes('\n'));
    if (readable.length === 0) return;
    const input = readable.map((diff) => `${from}:${diff.file}\n${to}:${diff.file}\n`).join('');
    const batch = await this.git(repo, ['cat-file', '--batch'], input);
    if (batch.code !== 0) throw new Error(batch.stderr.trim());
    const objects = parseCatFileBatch(batch.stdout, readable.length * 2);
    readable.forEach((diff, index) => {
      const before = objects[index * 2]?.toString('utf8') ?? '';
      const after = objects[index * 2 + 1]?.toString('utf8') ?? '';
      diff.patch = diffText(diff.file, before, after).patch;
    });
  }

  /**
   * Brings the snapshot index up to date with the worktree: the project's excludes and large
   * untracked files are written to the snapshot repository's `info/exclude` first.
   */
  private async stage(repo: SnapshotRepo): Promise<void> {
    const projectExcludes = await this.projectExcludes(repo);
    await this.writeExcludes(repo, projectExcludes, []);
    const untracked = await this.git(repo, [
      'ls-files',
      '--others',
      '--exclude-standard',
      '-z',
      '--',
    ]);
    if (untracked.code !== 0) throw new Error(untracked.stderr.trim());
    const large = await this.largeFiles(repo, splitNul(untracked.stdout));
    if (large.length > 0) await this.writeExcludes(repo, projectExcludes, large);
    const added = await this.git(repo, ['add', '-A', '--', '.']);
    if (added.code !== 0) throw new Error(added.stderr.trim());
  }

  /** The project's own `info/exclude`, so files the user keeps out of git stay out here too. */
  private async projectExcludes(repo: SnapshotRepo): Promise<string> {
    if (!repo.isGitProject) return '';
    const located = await runGit(
      repo.worktree,
      ['rev-parse', '--path-format=absolute', '--git-path', 'info/exclude'],
      { env: this.gitEnv },
    );
    const file = located.stdout.trim();
    if (located.code !== 0 || !file) return '';
    return readFile(file, 'utf8').catch(() => '');
  }

  private async writeExcludes(
    repo: SnapshotRepo,
    projectExcludes: string,
    large: string[],
  ): Promise<void> {
    const lines = [projectExcludes.trimEnd(), ...large.map(excludePattern)].filter(Boolean);
    const file = join(repo.gitdir, 'info', 'exclude');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  }

  private async largeFiles(repo: SnapshotRepo, files: string[]): Promise<string[]> {
    const large: string[] = [];
    for (let i = 0; i < files.length; i += STAT_CONCURRENCY) {
      const sizes = await Promise.all(
        files.slice(i, i + STAT_CONCURRENCY).map((file) =>
          lstat(join(repo.worktree, file)).then(
            (stat) => (stat.isFile() ? stat.size : 0),
            () => 0,
          ),
        ),
      );
      sizes.forEach((size, index) => {
        if (size > MAX_SNAPSHOT_FILE_BYTES) large.push(files[i + index]);
      });
    }
    return large;
  }

  private async ensureRepository(repo: SnapshotRepo): Promise<void> {
    if (await this.exists(repo)) return;
    await mkdir(repo.gitdir, { recursive: true });
    // Bare: a command that forgot `--work-tree` can never write files.
    const init = await runGit(repo.gitdir, ['init', '--quiet', '--bare', repo.gitdir], {
      env: this.gitEnv,
    });
    if (init.code !== 0) throw new Error(init.stderr.trim());
    // Snapshots are trees no ref points at: automatic garbage collection would drop them.
    await runGit(repo.gitdir, ['--git-dir', repo.gitdir, 'config', 'gc.auto', '0'], {
      env: this.gitEnv,
    });
  }

  private repoOf(instance: Instance): SnapshotRepo {
    const isGitProject = instance.project.vcs === 'git';
    const worktree = isGitProject ? instance.worktree : instance.directory;
    const key = createHash('sha1').update(worktree).digest('hex').slice(0, 16);
    return {
      gitdir: join(this.env.paths.data, 'snapshot', instance.projectID, key),
      worktree,
      isGitProject,
    };
  }

  /**
   * Config `snapshot: false` turns snapshots off. Outside git, the filesystem root and the home
   * directory are never snapshotted: copying a whole disk per model step is not a snapshot.
   */
  private async enabled(instance: Instance, repo: SnapshotRepo): Promise<boolean> {
    if (
      !repo.isGitProject &&
      (dirname(repo.worktree) === repo.worktree || repo.worktree === this.env.paths.home)
    ) {
      return false;
    }
    return (await this.config.get(instance)).snapshot !== false;
  }

  private exists(repo: SnapshotRepo): Promise<boolean> {
    return access(join(repo.gitdir, 'HEAD')).then(
      () => true,
      () => false,
    );
  }

  private async git(repo: SnapshotRepo, args: string[], input?: string): Promise<GitBytesResult> {
    const out = await runGitBytes(
      repo.worktree,
      [...GIT_SETTINGS, '--git-dir', repo.gitdir, '--work-tree', repo.worktree, ...args],
      { env: this.gitEnv, input, maxBuffer: MAX_GIT_OUTPUT_BYTES },
    );
    // Part of a tree listing or a file is no answer: the command fails as a whole.
    if (!out.truncated) return out;
    return {
      code: -1,
      stdout: Buffer.alloc(0),
      stderr: `output exceeds ${MAX_GIT_OUTPUT_BYTES} bytes`,
    };
  }

  /** Runs `work` after every earlier command on the same snapshot repository has finished. */
  private exclusive<T>(repo: SnapshotRepo, work: () => Promise<T>): Promise<T> {
    return this.queue.run(repo.gitdir, work);
  }
}

/** A gitignore line matching exactly this path from the root (glob characters escaped). */
function excludePattern(file: string): string {
  return `/${file.replace(/[\\*?[\]!#]/g, '\\$&').replace(/ $/, '\\ ')}`;
}
