import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { mkdir, realpath, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import { errorMessage } from '../core/errors/error-message';
import { runGit, type GitResult } from '../core/fs/git';
import type { Instance } from '../core/instance/instance';
import { InstanceService } from '../core/instance/instance.service';
import { runShell } from '../core/shell';
import { ProjectService } from '../project/project.service';
import { defaultBranch } from '../vcs/vcs-git';
import { WorktreeDto, type WorktreeCreateInputDto } from './dto/worktree.dto';
import {
  canonicalPath,
  findWorktree,
  listWorktrees,
  randomName,
  slugify,
  type GitWorktree,
} from './worktree-git';
import {
  WorktreeCreateFailedError,
  WorktreeNameGenerationFailedError,
  WorktreeNotFoundError,
  WorktreeNotGitError,
  WorktreeRemoveFailedError,
  WorktreeResetFailedError,
} from './worktree.errors';

/** A worktree being made: always on a branch of its own. */
type NewWorktree = WorktreeDto & { branch: string };

/** Names tried before giving up: the one asked for, then it with random suffixes. */
const NAME_ATTEMPTS = 26;
/**
 * Start commands have no time limit (one may run the worktree's dev server); they end with the
 * worktree's instance: when it is removed, or when the server stops.
 */
const START_COMMAND_TIMEOUT_MS = 2_147_483_647;

/**
 * Sandbox worktrees of a project (`/experimental/worktree`): real `git worktree`s on a branch
 * `opencode/<name>`, under `<data>/worktree/<projectID>/<name>`, listed as the project's
 * sandboxes. A new worktree is checked out in the background after the answer; `worktree.ready`
 * (or `worktree.failed`) is published on its own directory, then the project's start command
 * and the request's run in it.
 */
@Injectable()
export class WorktreeService implements OnModuleDestroy {
  private readonly logger = new Logger('Worktree');
  /** Creations of each project, one after the other: a name is picked, then taken, race-free. */
  private readonly creating = new Map<string, Promise<unknown>>();
  /** Background work (checkout, start commands) still running, awaited at shutdown. */
  private readonly background = new Set<Promise<void>>();
  private closing = false;
  /** Aborted at shutdown: start commands stop even when their instance outlives this service. */
  private readonly shutdown = new AbortController();

  constructor(
    private readonly env: AppEnvironment,
    private readonly instances: InstanceService,
    private readonly projects: ProjectService,
    private readonly bus: BusService,
  ) {}

  /** The project's sandboxes that still exist. Outside git: none (as the reference). */
  async list(instance: Instance): Promise<string[]> {
    const { sandboxes } = this.projects.current(instance);
    const present = await Promise.all(sandboxes.map((directory) => isDirectory(directory)));
    return sandboxes.filter((_, index) => present[index]);
  }

  async create(instance: Instance, input: WorktreeCreateInputDto): Promise<WorktreeDto> {
    requireGit(instance);
    return this.serialize(instance.projectID, async () => {
      const root = join(this.env.paths.data, 'worktree', instance.projectID);
      await mkdir(root, { recursive: true });
      const worktree = await this.pickName(instance, await realpath(root), input.name);
      const added = await runGit(instance.worktree, [
        'worktree',
        'add',
        '--no-checkout',
        '-b',
        worktree.branch,
        worktree.directory,
      ]);
      if (added.code !== 0) {
        throw new WorktreeCreateFailedError(gitMessage(added, 'Failed to create git worktree'));
      }
      this.projects.addSandbox(instance.projectID, worktree.directory);
      this.track(this.populate(instance, worktree, input.startCommand));
      return worktree;
    });
  }

  /**
   * Removes a linked worktree of the project, its directory and its branch. Its instance is
   * disposed first (start commands stop with it). The project's own checkout is never removed.
   */
  async remove(instance: Instance, directory: string): Promise<boolean> {
    requireGit(instance);
    const entry = await this.linkedWorktree(
      instance,
      directory,
      WorktreeRemoveFailedError,
      'remove',
    );
    await this.instances.dispose(entry.path);
    const removed = await runGit(instance.worktree, ['worktree', 'remove', '--force', entry.path]);
    if (removed.code !== 0) {
      // It may be gone anyway (a directory deleted by hand): only a listed one is a failure.
      const still = await listWorktrees(instance.worktree);
      if (!still || (await findWorktree(still, entry.path))) {
        throw new WorktreeRemoveFailedError(gitMessage(removed, 'Failed to remove git worktree'));
      }
    }
    await rm(entry.path, { recursive: true, force: true });
    if (entry.branch) {
      const deleted = await runGit(instance.worktree, ['branch', '-D', entry.branch]);
      if (deleted.code !== 0) {
        throw new WorktreeRemoveFailedError(
          gitMessage(deleted, 'Failed to delete worktree branch'),
        );
      }
    }
    this.projects.removeSandbox(instance.projectID, entry.path);
    return true;
  }

  /**
   * Puts a linked worktree back on the default branch: `reset --hard` to it (fetched first when
   * it is a remote branch), every untracked and ignored file removed, submodules likewise; the
   * worktree keeps its own branch name. Then the project's start command runs again.
   */
  async reset(instance: Instance, directory: string): Promise<boolean> {
    requireGit(instance);
    const entry = await this.linkedWorktree(instance, directory, WorktreeResetFailedError, 'reset');
    const target = await defaultBranch(instance.worktree);
    if (!target) throw new WorktreeResetFailedError('Default branch not found');
    const slash = target.ref.indexOf('/');
    if (target.ref !== target.name && slash > 0) {
      const remote = target.ref.slice(0, slash);
      await this.mustRun(
        instance.worktree,
        ['fetch', remote, target.name],
        `Failed to fetch ${target.ref}`,
      );
    }
    const steps: Array<[string[], string]> = [
      [['reset', '--hard', target.ref], 'Failed to reset worktree to target'],
      [['clean', '-ffdx'], 'Failed to clean worktree'],
      [['submodule', 'update', '--init', '--recursive', '--force'], 'Failed to update submodules'],
      [
        ['submodule', 'foreach', '--recursive', 'git', 'reset', '--hard'],
        'Failed to reset submodules',
      ],
      [
        ['submodule', 'foreach', '--recursive', 'git', 'clean', '-fdx'],
        'Failed to clean submodules',
      ],
    ];
    for (const [args, failure] of steps) await this.mustRun(entry.path, args, failure);
    const status = await this.mustRun(
      entry.path,
      ['status', '--porcelain=v1'],
      'Failed to read git status',
    );
    if (status.stdout.trim()) {
      throw new WorktreeResetFailedError(
        `Worktree reset left local changes:\n${status.stdout.trim()}`,
      );
    }
    this.track(this.startCommands(instance, entry.path));
    return true;
  }

  /** Stops the start commands and waits for background work to end. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.shutdown.abort();
    await Promise.allSettled([...this.background]);
  }

  /**
   * The worktree at `directory` among the repository's linked worktrees. The project's own
   * checkout (or the request's) is refused; a directory that is no worktree is a 404.
   */
  private async linkedWorktree(
    instance: Instance,
    directory: string,
    Failure: new (message: string) => Error,
    verb: string,
  ): Promise<GitWorktree> {
    const target = await canonicalPath(directory, instance.directory);
    const primary = instance.project.mainWorktree ?? instance.worktree;
    if (target === primary || target === instance.worktree) {
      throw new Failure(`Cannot ${verb} the primary workspace`);
    }
    const worktrees = await listWorktrees(instance.worktree);
    if (!worktrees) throw new Failure('Failed to read git worktrees');
    const entry = await findWorktree(worktrees, target);
    if (!entry || entry.bare) throw new WorktreeNotFoundError(directory);
    // The path as the server knows it (symlinks resolved), for its instance and sandbox entry.
    return { ...entry, path: target };
  }

  /** A name whose directory and branch are both free: the slug asked for, else with a suffix. */
  private async pickName(
    instance: Instance,
    root: string,
    requested?: string,
  ): Promise<NewWorktree> {
    const base = requested ? slugify(requested) : '';
    for (let attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
      const name = base ? (attempt === 0 ? base : `${base}-${randomName()}`) : randomName();
      const directory = join(root, name);
      const branch = `opencode/${name}`;
      if (await exists(directory)) continue;
      const taken = await runGit(instance.worktree, [
        'show-ref',
        '--verify',
        '--quiet',
        `refs/heads/${branch}`,
      ]);
      if (taken.code === 0) continue;
      return { name, branch, directory };
    }
    throw new WorktreeNameGenerationFailedError();
  }

  /**
   * Checks the new worktree out, starts its instance and says so (`worktree.ready`, or
   * `worktree.failed` with git's message), then runs the start commands.
   */
  private async populate(
    instance: Instance,
    worktree: NewWorktree,
    startCommand?: string,
  ): Promise<void> {
    const source = { directory: worktree.directory, projectID: instance.projectID };
    const checkout = await runGit(worktree.directory, ['reset', '--hard']);
    if (this.closing) return;
    if (checkout.code !== 0) {
      const message = gitMessage(checkout, 'Failed to populate worktree');
      this.logger.warn(`checkout of ${worktree.directory} failed: ${message}`);
      this.bus.publish(source, 'worktree.failed', { message });
      return;
    }
    let created: Instance;
    try {
      created = await this.instances.resolve(worktree.directory);
    } catch (error) {
      this.bus.publish(source, 'worktree.failed', { message: errorMessage(error) });
      return;
    }
    this.bus.publish(created, 'worktree.ready', { name: worktree.name, branch: worktree.branch });
    await this.startCommands(instance, worktree.directory, startCommand);
  }

  /**
   * The project's start command, then `extra` (the request's), in the worktree; a failing
   * project command skips the other. Failures are logged: the worktree is there regardless.
   */
  private async startCommands(
    instance: Instance,
    directory: string,
    extra?: string,
  ): Promise<void> {
    const commands = [this.projects.current(instance).commands?.start, extra];
    for (const command of commands.map((text) => text?.trim()).filter(Boolean) as string[]) {
      if (this.closing) return;
      const worktree = await this.instances.resolve(directory).catch(() => undefined);
      if (!worktree || worktree.disposed) return;
      const signal = AbortSignal.any([worktree.signal, this.shutdown.signal]);
      const run = await runShell(
        command,
        directory,
        START_COMMAND_TIMEOUT_MS,
        signal,
        () => undefined,
      );
      if (run.exitCode === 0) continue;
      this.logger.warn(
        `start command of ${directory} failed (${run.exitCode ?? run.signal}): ${run.tail.slice(-2000)}`,
      );
      return;
    }
  }

  private async mustRun(cwd: string, args: string[], failure: string): Promise<GitResult> {
    const out = await runGit(cwd, args);
    if (out.code !== 0) throw new WorktreeResetFailedError(gitMessage(out, failure));
    return out;
  }

  private serialize<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.creating.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.creating.set(key, next);
    void next
      .finally(() => {
        if (this.creating.get(key) === next) this.creating.delete(key);
      })
      .catch(() => undefined);
    return next;
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) =>
      this.logger.warn(`worktree background work failed: ${errorMessage(error)}`),
    );
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}

function requireGit(instance: Instance): void {
  if (instance.project.vcs !== 'git') throw new WorktreeNotGitError();
}

function gitMessage(result: GitResult, fallback: string): string {
  return result.stderr.trim() || result.stdout.trim() || fallback;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}
