import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { projectDirectories } from '../config/config-loader';
import { parseMarkdown } from '../config/markdown';
import { globFiles } from '../core/fs/walk';
import type { SkillInfo } from './skill.types';

/** Where one request looks for skills. */
export interface SkillSearch {
  home: string;
  /** The global config directory (`~/.config/opencode`). */
  globalConfigDir: string;
  /** The request's directory and its project's worktree root. */
  directory: string;
  worktree: string;
  /** Config `skills.paths`: extra directories searched for `**\/SKILL.md`. */
  paths: readonly string[];
}

/** A skill file or configured directory that was passed over, and why. */
export interface SkillProblem {
  path: string;
  message: string;
}

/** Folders that other agent tools (Claude Code, the `.agents` convention) keep skills in. */
const EXTERNAL_DIRS = ['.claude', '.agents'];
const EXTERNAL_GLOB = 'skills/**/SKILL.md';
const CONFIG_GLOB = '{skill,skills}/**/SKILL.md';
const PATH_GLOB = '**/SKILL.md';

/**
 * Every `SKILL.md` a request can see, in the order they are read; a later file's skill replaces an
 * earlier one of the same name (see {@link mergeSkills}):
 * 1. `~/.claude/skills/` and `~/.agents/skills/`;
 * 2. `.claude/skills/` and `.agents/skills/` of each directory from the worktree root down to the
 *    request's directory;
 * 3. the global config directory's `skill/` and `skills/`;
 * 4. `.opencode/skill/` and `.opencode/skills/` of each directory from the worktree root down;
 * 5. config `skills.paths`, in order (`~/` is the home directory, relative paths start at the
 *    request's directory); a path that is not a directory is reported in `problems`.
 * So project skills override personal ones, opencode's folders override the other tools', and
 * the directory nearest the request wins, as for the rest of the config. Symlinked skill folders
 * are followed (skill installers link them from a shared place). Each file is listed once.
 *
 * Deliberate difference: the reference reads the files in parallel and keeps whichever finished
 * last, so which of two same-named skills wins varies from run to run, and it walks `.opencode`
 * directories nearest-first (the worktree root's winning); here the order above always decides.
 */
export async function findSkillFiles(
  search: SkillSearch,
  problems: SkillProblem[],
): Promise<string[]> {
  const projectDirs = projectDirectories(search.directory, search.worktree);
  const roots: Array<{ dir: string; glob: string }> = [
    ...EXTERNAL_DIRS.map((name) => ({ dir: join(search.home, name), glob: EXTERNAL_GLOB })),
    ...projectDirs.flatMap((dir) =>
      EXTERNAL_DIRS.map((name) => ({ dir: join(dir, name), glob: EXTERNAL_GLOB })),
    ),
    { dir: search.globalConfigDir, glob: CONFIG_GLOB },
    ...projectDirs.map((dir) => ({ dir: join(dir, '.opencode'), glob: CONFIG_GLOB })),
  ];
  for (const configured of search.paths) {
    const dir = resolveSkillPath(configured, search);
    if (await isDirectory(dir)) roots.push({ dir, glob: PATH_GLOB });
    else problems.push({ path: dir, message: 'skills.paths entry is not a directory' });
  }
  const found = await Promise.all(
    roots.map(({ dir, glob }) => globFiles(dir, glob, { followSymlinks: true })),
  );
  return [...new Set(found.flat())];
}

function resolveSkillPath(path: string, search: SkillSearch): string {
  if (path.startsWith('~/')) return join(search.home, path.slice(2));
  return isAbsolute(path) ? path : join(search.directory, path);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * The skill of one `SKILL.md`: front matter `name` (required) and `description` (optional, a
 * string), the body as its content. Anything else is a problem message, and the file is skipped.
 */
export function parseSkillFile(location: string, text: string): SkillInfo | string {
  let document: ReturnType<typeof parseMarkdown>;
  try {
    document = parseMarkdown(text);
  } catch (error) {
    return (error as Error).message;
  }
  const { name, description } = document.data;
  if (typeof name !== 'string' || name.trim() === '') {
    return 'a skill needs a `name` in its front matter';
  }
  if (description !== undefined && typeof description !== 'string') {
    return '`description` must be a string';
  }
  return {
    name,
    ...(description !== undefined && { description }),
    location,
    content: document.content,
  };
}

/**
 * Skills by name, later ones replacing earlier ones of the same name in place: a list keeps the
 * position where a name first appeared (built-ins first), with the content that won.
 */
export function mergeSkills(skills: Iterable<SkillInfo>): SkillInfo[] {
  const byName = new Map<string, SkillInfo>();
  for (const skill of skills) byName.set(skill.name, skill);
  return [...byName.values()];
}
