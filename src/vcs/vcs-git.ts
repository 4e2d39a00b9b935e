import { relative } from 'node:path';
import { headOrEmptyTree, runGit } from '../core/fs/git';
import {
  classify,
  countLines,
  forEachLimited,
  parseNumstat,
  parsePorcelain,
  type FileChangeStatus,
} from '../file/engine/git-status';
import { formatPatch } from '../file/engine/unified-diff';

/**
 * Where the VCS routes look: git runs at the top of the worktree, limited to the request's
 * directory (a subdirectory of the repository sees only its own files). Paths in answers are
 * relative to the top of the worktree, as git prints them and as `git apply` takes them.
 */
export interface VcsScope {
  worktree: string;
  pathspec: string;
}

export function scopeOf(worktree: string, directory: string): VcsScope {
  return { worktree, pathspec: relative(worktree, directory) || '.' };
}

export interface ChangedFile {
  file: string;
  status: FileChangeStatus;
  /** Not known to git: its lines are counted from disk, its patch made against /dev/null. */
  untracked: boolean;
}

export interface LineCounts {
  additions: number;
  deletions: number;
}

/** A patch per file and whether git's output was cut at the byte limit before the end. */
export interface PatchSet {
  patches: Map<string, string>;
  truncated: boolean;
}

/** Default patch context: the whole file, so a client can show every line around a change. */
export const FULL_CONTEXT = 2147483647;
/** Patch bytes one answer carries; files past it get an empty patch (their counts remain). */
export const PATCH_BUDGET = 10_000_000;
const UNTRACKED_CONCURRENCY = 8;

/** Every changed file of the scope (`git status`): staged, unstaged and untracked. */
export async function workingTreeChanges(scope: VcsScope): Promise<ChangedFile[]> {
  const status = await runGit(scope.worktree, [
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=all',
    '--no-renames',
    '--',
    scope.pathspec,
  ]);
  if (status.code !== 0) return [];
  return parsePorcelain(status.stdout).flatMap(({ code, file }) => {
    const change = classify(code);
    return change ? [{ file, status: change, untracked: code === '??' }] : [];
  });
}

/**
 * Files whose working-tree content differs from `base` (a commit): tracked changes as
 * `git diff --name-status <base>` sees them, then untracked files.
 */
export async function changesSince(scope: VcsScope, base: string): Promise<ChangedFile[]> {
  const [diff, working] = await Promise.all([
    runGit(scope.worktree, [
      'diff',
      '--name-status',
      '-z',
      '--no-renames',
      '--no-ext-diff',
      base,
      '--',
      scope.pathspec,
    ]),
    workingTreeChanges(scope),
  ]);
  const fields = diff.code === 0 ? diff.stdout.split('\0') : [];
  const changes: ChangedFile[] = [];
  const seen = new Set<string>();
  // `<letter>\0<path>\0` pairs; with --no-renames there is never a second path.
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [letter, file] = [fields[i], fields[i + 1]];
    if (!letter || !file) continue;
    seen.add(file);
    changes.push({ file, status: statusOfLetter(letter), untracked: false });
  }
  for (const change of working) {
    if (change.untracked && !seen.has(change.file)) changes.push(change);
  }
  return changes;
}

function statusOfLetter(letter: string): FileChangeStatus {
  if (letter.startsWith('A')) return 'added';
  if (letter.startsWith('D')) return 'deleted';
  return 'modified';
}

/**
 * Lines added and removed per tracked file since `base`, and for each untracked file its lines
 * (all added; 0 for a binary file, as git counts it).
 */
export async function lineCounts(
  scope: VcsScope,
  base: string,
  files: readonly ChangedFile[],
): Promise<Map<string, LineCounts>> {
  const numstat = await runGit(scope.worktree, [
    'diff',
    '--numstat',
    '-z',
    '--no-renames',
    '--no-ext-diff',
    '--no-textconv',
    base,
    '--',
    scope.pathspec,
  ]);
  const counts = new Map<string, LineCounts>();
  if (numstat.code === 0) {
    for (const [file, { added, removed }] of parseNumstat(numstat.stdout)) {
      counts.set(file, { additions: added, deletions: removed });
    }
  }
  await forEachLimited(
    files.filter((change) => change.untracked),
    UNTRACKED_CONCURRENCY,
    async ({ file }) => {
      const additions = await countLines(`${scope.worktree}/${file}`);
      counts.set(file, { additions, deletions: 0 });
    },
  );
  return counts;
}

/**
 * The patch of every tracked file changed since `base`, from one `git diff`, cut into files. At
 * most `maxBytes` of git output are read; when git had more, the file it was writing is left
 * out and `truncated` is set.
 */
export async function trackedPatches(
  scope: VcsScope,
  base: string,
  context: number,
  maxBytes = PATCH_BUDGET,
): Promise<PatchSet> {
  const out = await runGit(scope.worktree, [...patchArgs(context), base, '--', scope.pathspec], {
    maxBuffer: maxBytes,
  });
  if (out.code !== 0 && !out.truncated) return { patches: new Map(), truncated: false };
  const chunks = splitPatches(out.stdout);
  // The last chunk of cut output is incomplete: better no patch than a wrong one.
  if (out.truncated) chunks.pop();
  const patches = new Map<string, string>();
  for (const { file, patch } of chunks) {
    if (file !== undefined) patches.set(file, (patches.get(file) ?? '') + patch);
  }
  return { patches, truncated: out.truncated === true };
}

/** The patch that adds an untracked file, or undefined when it is larger than `maxBytes`. */
export async function untrackedPatch(
  scope: VcsScope,
  file: string,
  context: number,
  maxBytes = PATCH_BUDGET,
): Promise<string | undefined> {
  // `--no-index` exits 1 when the files differ, which they always do here.
  const out = await runGit(
    scope.worktree,
    ['diff', '--no-index', ...patchArgs(context).slice(1), '--', '/dev/null', file],
    { maxBuffer: maxBytes },
  );
  return out.truncated || (out.code !== 0 && out.code !== 1) ? undefined : out.stdout;
}

function patchArgs(context: number): string[] {
  return [
    'diff',
    '--patch',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--no-renames',
    `--unified=${context}`,
  ];
}

/**
 * The patch given for a file whose real patch is too large to send: its name only, no hunks (the
 * form jsdiff's `formatPatch` gives an empty patch, which the reference sends).
 */
export function placeholderPatch(file: string): string {
  return formatPatch({
    oldFileName: file,
    newFileName: file,
    oldHeader: '',
    newHeader: '',
    hunks: [],
  });
}

/**
 * Cuts the output of `git diff --patch` into one patch per file. A chunk starts at each
 * `diff --git` line; its file is read from the `+++`/`---` lines of its header (`/dev/null` for
 * the missing side), or from the `diff --git` line itself when there are none (binary files,
 * mode changes).
 */
export function splitPatches(text: string): Array<{ file: string | undefined; patch: string }> {
  const starts: number[] = [];
  const marker = /^diff --git /gm;
  for (let match = marker.exec(text); match; match = marker.exec(text)) starts.push(match.index);
  return starts.map((start, i) => {
    const patch = text.slice(start, starts[i + 1] ?? text.length);
    return { file: patchFile(patch), patch };
  });
}

function patchFile(patch: string): string | undefined {
  const lines = patch.split('\n');
  let oldName: string | undefined;
  let newName: string | undefined;
  // Only the header: a removed line reading "-- x" in a hunk is "--- x" on the wire.
  for (const line of lines.slice(1)) {
    if (line.startsWith('@@')) break;
    if (line.startsWith('--- ')) oldName = sideName(line.slice(4));
    else if (line.startsWith('+++ ')) newName = sideName(line.slice(4));
  }
  return newName ?? oldName ?? headerName(lines[0].slice('diff --git '.length));
}

/** `a/x`, `b/x` or a quoted `"b/x"` from a header line; undefined for `/dev/null`. */
function sideName(field: string): string | undefined {
  const name = field.startsWith('"') ? unquote(field)?.value : field.split('\t')[0];
  if (!name || name === '/dev/null') return undefined;
  return /^[ab]\//.test(name) ? name.slice(2) : name;
}

/** The path of `a/x b/x` (the same path twice, since renames are not detected). */
function headerName(rest: string): string | undefined {
  if (rest.startsWith('"')) {
    const first = unquote(rest);
    return first && sideName(rest.slice(first.end).trimStart());
  }
  // "a/" + path + " b/" + path: the path is half of what remains.
  const length = (rest.length - 5) / 2;
  return Number.isInteger(length) && length > 0 ? rest.slice(2, 2 + length) : undefined;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13 };

/**
 * A C-style quoted path as git writes names with control characters, quotes or backslashes
 * (bytes as octal escapes), with the index just past its closing quote.
 */
export function unquote(text: string): { value: string; end: number } | undefined {
  const bytes: number[] = [];
  for (let i = 1; i < text.length; i++) {
    const char = text[i];
    if (char === '"') return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = text[++i];
    const octal = /^[0-7]{3}/.exec(text.slice(i, i + 3));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 2;
    } else if (next !== undefined) {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
    }
  }
  return undefined;
}

/** The repository's default branch, and the ref to compare with (`origin/main` or `main`). */
export interface DefaultBranch {
  name: string;
  ref: string;
}

/**
 * The default branch as the reference finds it: the HEAD of the main remote (`origin`, else the
 * only remote, else `upstream`, else the first), else the local branch `init.defaultBranch`
 * names, else `main`, else `master`.
 */
export async function defaultBranch(worktree: string): Promise<DefaultBranch | undefined> {
  const remote = mainRemote(await lines(worktree, ['remote']));
  if (remote) {
    const head = await runGit(worktree, ['symbolic-ref', `refs/remotes/${remote}/HEAD`]);
    const ref = head.stdout.trim().replace(/^refs\/remotes\//, '');
    const name = ref.startsWith(`${remote}/`) ? ref.slice(remote.length + 1) : '';
    if (head.code === 0 && name) return { name, ref };
  }
  const [branches, configured] = await Promise.all([
    lines(worktree, ['for-each-ref', '--format=%(refname:short)', 'refs/heads']),
    runGit(worktree, ['config', 'init.defaultBranch']),
  ]);
  const candidates = [configured.stdout.trim(), 'main', 'master'];
  const name = candidates.find((candidate) => candidate && branches.includes(candidate));
  return name ? { name, ref: name } : undefined;
}

function mainRemote(remotes: string[]): string | undefined {
  if (remotes.includes('origin')) return 'origin';
  if (remotes.length === 1) return remotes[0];
  return remotes.includes('upstream') ? 'upstream' : remotes[0];
}

/** The branch checked out, or undefined when HEAD is detached or git cannot tell. */
export async function checkedOutBranch(worktree: string): Promise<string | undefined> {
  const out = await runGit(worktree, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return (out.code === 0 && out.stdout.trim()) || undefined;
}

export async function mergeBase(worktree: string, ref: string): Promise<string | undefined> {
  const out = await runGit(worktree, ['merge-base', ref, 'HEAD']);
  return (out.code === 0 && out.stdout.trim()) || undefined;
}

async function lines(cwd: string, args: string[]): Promise<string[]> {
  const out = await runGit(cwd, args);
  if (out.code !== 0) return [];
  return out.stdout
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * One patch of every uncommitted change of the scope (staged, unstaged, untracked) with git's
 * usual 3 lines of context, as `git apply` takes it; undefined when it is over `maxBytes`.
 */
export async function rawPatch(scope: VcsScope, maxBytes: number): Promise<string | undefined> {
  const base = await headOrEmptyTree(scope.worktree);
  const [tracked, working] = await Promise.all([
    runGit(scope.worktree, [...patchArgs(3), base, '--', scope.pathspec], { maxBuffer: maxBytes }),
    workingTreeChanges(scope),
  ]);
  if (tracked.truncated) return undefined;
  const head = tracked.code === 0 ? tracked.stdout : '';
  const untracked = working.filter((change) => change.untracked);
  const patches: string[] = new Array<string>(untracked.length).fill('');
  let size = Buffer.byteLength(head);
  await forEachLimited(
    untracked.map((change, index) => ({ file: change.file, index })),
    UNTRACKED_CONCURRENCY,
    async ({ file, index }) => {
      if (size > maxBytes) return;
      const patch = await untrackedPatch(scope, file, 3, maxBytes);
      size += patch === undefined ? Infinity : Buffer.byteLength(patch);
      patches[index] = patch ?? '';
    },
  );
  return size > maxBytes ? undefined : head + patches.join('');
}

export type ApplyOutcome = { applied: true } | { applied: false; message: string };

/**
 * Applies a patch to the working tree. `git apply` is all-or-nothing, and `--check` runs first so
 * a patch that does not apply is refused before anything is touched.
 */
export async function applyPatch(worktree: string, patch: string): Promise<ApplyOutcome> {
  const check = await runGit(worktree, ['apply', '--check', '-'], { input: patch });
  const applied =
    check.code === 0 ? await runGit(worktree, ['apply', '-'], { input: patch }) : check;
  if (applied.code === 0) return { applied: true };
  const reason = applied.stderr.trim().split('\n')[0] || applied.stdout.trim().split('\n')[0];
  return { applied: false, message: reason || 'git apply failed' };
}
