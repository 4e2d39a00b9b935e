import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Files whose rules apply to their own directory and below, in increasing precedence. */
export const IGNORE_FILE_NAMES = ['.gitignore', '.ignore'] as const;

export interface IgnoreRulesOptions {
  /** Extra gitignore-syntax patterns applied from the root, e.g. the config's `watcher.ignore`. */
  extraPatterns?: readonly string[];
}

// git itself is case-insensitive where the file system usually is.
const IGNORE_CASE = process.platform === 'darwin' || process.platform === 'win32';

/**
 * The one ignore reader (the file index, watcher and lister, and the walk behind the file tools).
 * Answers "is this project path ignored?" like git does: `.git/info/exclude`, then every
 * `.gitignore` (and ripgrep's `.ignore`) from the root down to the path's own directory, deeper
 * files overriding shallower ones, and nothing below an ignored directory can be re-included.
 * `.git` is always ignored. Rule files are read lazily per directory and cached until
 * `invalidate` is told one changed (the file watcher does that).
 *
 * Differences from git: the global excludes file (core.excludesFile) is not read, and the rules
 * apply whether or not the project is a git repository.
 */
export class IgnoreRules {
  /** Per directory ('' = root): its rules, or null when it has no rule file. */
  private readonly rules = new Map<string, Ignore | null>();
  /** Verdicts for directories, which every path below them asks about again. */
  private readonly dirVerdicts = new Map<string, boolean>();
  private readonly extra: Ignore | null;

  constructor(
    readonly root: string,
    options: IgnoreRulesOptions = {},
  ) {
    const patterns = options.extraPatterns ?? [];
    this.extra = patterns.length > 0 ? newIgnore().add([...patterns]) : null;
  }

  /** Reads the rule files of one directory ahead of time so `isIgnored` never blocks on them. */
  async load(relDir: string): Promise<void> {
    if (this.rules.has(relDir)) return;
    const texts = await Promise.all(this.ruleFiles(relDir).map((file) => readOptional(file)));
    this.rules.set(relDir, toIgnore(texts));
  }

  /**
   * `relPath` is project-relative with `/` separators. Synchronous: rule files not loaded yet
   * (directories `load` was not called for) are read synchronously, once.
   */
  isIgnored(relPath: string, isDir: boolean): boolean {
    if (relPath === '' || relPath === '.') return false;
    const parts = relPath.split('/');
    if (parts.includes('.git')) return true;
    for (let i = 1; i < parts.length; i++) {
      if (this.isDirIgnored(parts.slice(0, i).join('/'))) return true;
    }
    return isDir ? this.isDirIgnored(relPath) : this.verdict(parts, false);
  }

  /** A rule file (or the directory holding it) was added, changed or removed. */
  invalidate(relPath: string): void {
    const base = path.posix.basename(relPath);
    const dir = (IGNORE_FILE_NAMES as readonly string[]).includes(base)
      ? path.posix.dirname(relPath)
      : relPath;
    this.rules.delete(dir === '.' ? '' : dir);
    this.dirVerdicts.clear();
  }

  private isDirIgnored(relDir: string): boolean {
    let verdict = this.dirVerdicts.get(relDir);
    if (verdict === undefined) {
      verdict = this.verdict(relDir.split('/'), true);
      this.dirVerdicts.set(relDir, verdict);
    }
    return verdict;
  }

  /** The path's own verdict, assuming no ancestor directory is ignored. */
  private verdict(parts: string[], isDir: boolean): boolean {
    const suffix = isDir ? '/' : '';
    if (this.extra?.ignores(parts.join('/') + suffix)) return true;
    let ignored = false;
    for (let depth = 0; depth < parts.length; depth++) {
      const rules = this.rulesOf(parts.slice(0, depth).join('/'));
      if (!rules) continue;
      const result = rules.test(parts.slice(depth).join('/') + suffix);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  }

  private rulesOf(relDir: string): Ignore | null {
    let rules = this.rules.get(relDir);
    if (rules === undefined) {
      rules = toIgnore(this.ruleFiles(relDir).map((file) => readOptionalSync(file)));
      this.rules.set(relDir, rules);
    }
    return rules;
  }

  private ruleFiles(relDir: string): string[] {
    const dir = path.join(this.root, relDir);
    const files = IGNORE_FILE_NAMES.map((name) => path.join(dir, name));
    return relDir === '' ? [path.join(this.root, '.git', 'info', 'exclude'), ...files] : files;
  }
}

function newIgnore(): Ignore {
  return ignore({ ignorecase: IGNORE_CASE });
}

function toIgnore(texts: (string | undefined)[]): Ignore | null {
  const present = texts.filter((text): text is string => text !== undefined);
  // One string, so `add` splits it into lines (array items are taken as single patterns).
  return present.length > 0 ? newIgnore().add(present.join('\n')) : null;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readOptionalSync(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
