import { Injectable } from '@nestjs/common';
import { headOrEmptyTree } from '../core/fs/git';
import type { Instance } from '../core/instance/instance';
import { currentBranch } from '../core/instance/project-detector';
import { forEachLimited } from '../file/engine/git-status';
import { BranchWatchService } from './branch-watch.service';
import { VcsFileDiffDto, VcsFileStatusDto, VcsInfoDto, type VcsDiffMode } from './dto/vcs.dto';
import { VcsApplyError, VcsDiffTooLargeError } from './vcs.errors';
import {
  applyPatch,
  changesSince,
  checkedOutBranch,
  defaultBranch,
  FULL_CONTEXT,
  lineCounts,
  mergeBase,
  PATCH_BUDGET,
  placeholderPatch,
  rawPatch,
  scopeOf,
  trackedPatches,
  untrackedPatch,
  workingTreeChanges,
  type ChangedFile,
  type VcsScope,
} from './vcs-git';

/**
 * Largest raw patch answered: the request body limit, so that what `GET /vcs/diff/raw` gives can
 * always be sent back to `POST /vcs/apply`.
 */
const RAW_PATCH_LIMIT = 50 * 1024 * 1024 - 1024;
const UNTRACKED_CONCURRENCY = 8;

/**
 * The `/vcs` routes: the branch, the changed files of the working tree, their patches, and
 * applying a patch. Outside git every list is empty, as in the reference.
 */
@Injectable()
export class VcsService {
  constructor(private readonly branches: BranchWatchService) {}

  /**
   * The branch and default branch, answered once the instance's branch watch (started with the
   * instance, `vcs.branch.updated`) is set up: the branch is read after the watch's own first
   * read, so a switch in between is published rather than lost. The watch reads with
   * `currentBranch` too, so both agree.
   */
  async info(instance: Instance): Promise<VcsInfoDto> {
    if (instance.project.vcs !== 'git') return {};
    await this.branches.watch(instance);
    const [branch, target] = await Promise.all([
      currentBranch(instance.worktree),
      defaultBranch(instance.worktree),
    ]);
    return { ...(branch && { branch }), ...(target && { default_branch: target.name }) };
  }

  /** Changed files of the working tree against HEAD, with line counts and no patches. */
  async status(instance: Instance): Promise<VcsFileStatusDto[]> {
    const scope = this.scope(instance);
    if (!scope) return [];
    const [base, files] = await Promise.all([
      headOrEmptyTree(scope.worktree),
      workingTreeChanges(scope),
    ]);
    const counts = await lineCounts(scope, base, files);
    return byFile(files).map(({ file, status }) => ({
      file,
      additions: counts.get(file)?.additions ?? 0,
      deletions: counts.get(file)?.deletions ?? 0,
      status,
    }));
  }

  /**
   * Changed files with their patches: `git` against HEAD (uncommitted work), `branch` against
   * where the current branch left the default branch (committed and uncommitted work of the
   * branch; nothing on the default branch itself). Past `PATCH_BUDGET` bytes of patches, the
   * remaining files keep their counts and get a patch naming them only.
   */
  async diff(
    instance: Instance,
    mode: VcsDiffMode,
    context = FULL_CONTEXT,
  ): Promise<VcsFileDiffDto[]> {
    const scope = this.scope(instance);
    if (!scope) return [];
    const base = mode === 'git' ? await headOrEmptyTree(scope.worktree) : await branchBase(scope);
    if (!base) return [];
    const [files, tracked] = await Promise.all([
      changesSince(scope, base),
      trackedPatches(scope, base, context),
    ]);
    const [counts, untracked] = await Promise.all([
      lineCounts(scope, base, files),
      untrackedPatches(scope, files, context),
    ]);
    let used = 0;
    return byFile(files).map(({ file, status, untracked: isUntracked }) => {
      let patch = isUntracked ? untracked.get(file) : tracked.patches.get(file);
      const size = patch === undefined ? 0 : Buffer.byteLength(patch);
      if (patch === undefined || used + size > PATCH_BUDGET) patch = placeholderPatch(file);
      else used += size;
      return {
        file,
        patch,
        additions: counts.get(file)?.additions ?? 0,
        deletions: counts.get(file)?.deletions ?? 0,
        status,
      };
    });
  }

  /** Every uncommitted change as one patch (empty outside git or when nothing changed). */
  async rawDiff(instance: Instance): Promise<string> {
    const scope = this.scope(instance);
    if (!scope) return '';
    const patch = await rawPatch(scope, RAW_PATCH_LIMIT);
    if (patch === undefined) throw new VcsDiffTooLargeError(RAW_PATCH_LIMIT);
    return patch;
  }

  /**
   * Applies a patch to the working tree, or changes nothing and says why. Paths in the patch are
   * taken from the top of the worktree (as `GET /vcs/diff/raw` gives them), whatever the
   * request's directory. Deliberate difference: the reference runs `git apply` in the request's
   * directory, where git silently skips every file outside it and still reports success.
   */
  async apply(instance: Instance, patch: string): Promise<{ applied: true }> {
    if (instance.project.vcs !== 'git') {
      throw new VcsApplyError(
        "Patch can't be applied because the project is not git-based",
        'non-git',
      );
    }
    const outcome = await applyPatch(instance.worktree, patch);
    if (!outcome.applied) {
      throw new VcsApplyError(`Patch can't be applied: ${outcome.message}`, 'not-clean');
    }
    return { applied: true };
  }

  private scope(instance: Instance): VcsScope | undefined {
    if (instance.project.vcs !== 'git') return undefined;
    return scopeOf(instance.worktree, instance.directory);
  }
}

/** Where the current branch left the default branch; undefined on it or without one. */
async function branchBase(scope: VcsScope): Promise<string | undefined> {
  const [target, current] = await Promise.all([
    defaultBranch(scope.worktree),
    checkedOutBranch(scope.worktree),
  ]);
  if (!target || current === target.name) return undefined;
  return mergeBase(scope.worktree, target.ref);
}

/**
 * The patches adding the untracked files, a few git processes at a time; once they add up past
 * the budget, the remaining files are not diffed at all (they get the placeholder).
 */
async function untrackedPatches(
  scope: VcsScope,
  files: readonly ChangedFile[],
  context: number,
): Promise<Map<string, string>> {
  const patches = new Map<string, string>();
  let fetched = 0;
  await forEachLimited(
    files.filter((change) => change.untracked),
    UNTRACKED_CONCURRENCY,
    async ({ file }) => {
      if (fetched > PATCH_BUDGET) return;
      const patch = await untrackedPatch(scope, file, context);
      if (patch === undefined) return;
      fetched += Buffer.byteLength(patch);
      patches.set(file, patch);
    },
  );
  return patches;
}

function byFile<T extends { file: string }>(files: readonly T[]): T[] {
  return [...files].sort((a, b) => a.file.localeCompare(b.file));
}
