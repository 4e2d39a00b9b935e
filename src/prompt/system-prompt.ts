import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** The base instructions every primary agent starts from (agents may replace them). */
export const BASE_PROMPT = `You are opencode, an AI coding agent working in the user's project through tools.

How to work:
- Understand before changing: look at the relevant files (read, list, glob, grep) and follow the project's conventions, libraries and style.
- Make the change the user asked for, completely, and nothing they did not ask for. Prefer editing existing files to creating new ones.
- Check your work where the project allows it (tests, type checks, linters) and report honestly what passed and what did not.
- For work of several steps, keep a todo list with todowrite and update it as you go.
- Be brief in your answers: say what you did and what the user should know, without repeating file contents back.
- Never reveal secrets you come across, and do not run destructive commands (deleting data, force pushes) unless the user asked for exactly that.`;

export interface EnvironmentFacts {
  directory: string;
  worktree: string;
  isGitRepository: boolean;
  platform: string;
  date: Date;
  model: string;
}

export function environmentSection(facts: EnvironmentFacts): string {
  return [
    'Here is useful information about the environment you are running in:',
    '<env>',
    `  Working directory: ${facts.directory}`,
    `  Project root: ${facts.worktree}`,
    `  Is directory a git repo: ${facts.isGitRepository ? 'yes' : 'no'}`,
    `  Platform: ${facts.platform}`,
    `  Today's date: ${facts.date.toDateString()}`,
    `  Model: ${facts.model}`,
    '</env>',
  ].join('\n');
}

/** File names that hold project instructions, closest to the working directory first. */
export const INSTRUCTION_FILE_NAMES = ['AGENTS.md', 'CLAUDE.md'];

/**
 * Instruction files in effect for `directory`: the nearest `AGENTS.md` (or `CLAUDE.md`) from the
 * directory up to the project root, the global ones, and the config's `instructions` entries.
 */
export async function findInstructionFiles(options: {
  directory: string;
  worktree: string;
  globalFiles: string[];
  configured: string[];
}): Promise<Array<{ path: string; content: string }>> {
  const found: Array<{ path: string; content: string }> = [];
  const seen = new Set<string>();
  const add = async (path: string) => {
    if (seen.has(path)) return false;
    const content = await readFile(path, 'utf8').catch(() => undefined);
    if (content === undefined) return false;
    seen.add(path);
    found.push({ path, content });
    return true;
  };
  const stop = options.worktree === '/' ? options.directory : options.worktree;
  for (const name of INSTRUCTION_FILE_NAMES) {
    let current = options.directory;
    let added = false;
    for (;;) {
      if (await add(join(current, name))) added = true;
      if (current === stop || dirname(current) === current) break;
      current = dirname(current);
    }
    // AGENTS.md takes precedence: CLAUDE.md is only read where no AGENTS.md exists.
    if (added) break;
  }
  for (const file of options.globalFiles) {
    if (await add(file)) break;
  }
  for (const entry of options.configured) {
    await add(
      isAbsolute(entry)
        ? entry
        : resolve(options.worktree === '/' ? options.directory : options.worktree, entry),
    );
  }
  return found;
}

export function instructionsSection(files: Array<{ path: string; content: string }>): string[] {
  return files.map((file) => `Instructions from: ${file.path}\n${file.content}`);
}
