import { readFile } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import { findExecutable, isExecutable, type ExecutableLookup } from '../../core/executable';

export interface ShellInfo {
  path: string;
  name: string;
  acceptable: boolean;
}

/** Where the system lists its login shells. */
const SHELLS_FILE = '/etc/shells';
/** What is offered when the system lists none (as the reference). */
const FALLBACK_SHELLS = ['/bin/bash', '/bin/zsh', '/bin/sh'];
/** Shells the agent cannot run its commands with: listed, but not acceptable (as the reference). */
const UNACCEPTABLE = new Set(['fish', 'nu']);

/**
 * The shells of this system, for a client's terminal picker: `/etc/shells` in its order, once
 * each, those that exist. `name` is the bare name when `PATH` finds the shell by it, else the
 * path, as the reference answers.
 */
export async function listShells(lookup: ExecutableLookup): Promise<ShellInfo[]> {
  const text = await readFile(SHELLS_FILE, 'utf8').catch(() => '');
  const listed = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const shells: ShellInfo[] = [];
  for (const path of new Set(listed.length > 0 ? listed : FALLBACK_SHELLS)) {
    if (!(await isExecutable(path))) continue;
    const name = basename(path);
    shells.push({
      path,
      name: (await findExecutable(name, lookup)) ? name : path,
      acceptable: !UNACCEPTABLE.has(name.toLowerCase()),
    });
  }
  return shells;
}

/**
 * The program a new terminal runs when none is asked for: config `shell`, else `$SHELL`, when
 * it resolves to an executable; else bash from `PATH`; else `/bin/sh`.
 */
export async function preferredShell(
  candidates: ReadonlyArray<string | undefined>,
  lookup: ExecutableLookup,
): Promise<string> {
  for (const candidate of candidates) {
    const shell = candidate?.trim();
    if (!shell) continue;
    const found = isAbsolute(shell)
      ? (await isExecutable(shell)) && shell
      : await findExecutable(shell, lookup);
    if (found) return found;
  }
  return (await findExecutable('bash', lookup)) ?? '/bin/sh';
}

/**
 * The arguments a terminal's program gets: the reference starts shells as login shells (their
 * profile sets `PATH` and the prompt) by adding `-l` to whatever was asked for, for any program
 * whose name ends in `sh`. Deliberate difference: not when `-l` / `--login` is there already, and
 * not for `ssh`, whose `-l` takes a user name.
 */
export function terminalArgs(command: string, args: readonly string[]): string[] {
  const name = basename(command).toLowerCase();
  const login = name.endsWith('sh') && name !== 'ssh';
  if (!login || args.includes('-l') || args.includes('--login')) return [...args];
  return [...args, '-l'];
}
