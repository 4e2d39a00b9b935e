import * as path from 'node:path';

/**
 * Glob matching for the file-system layer (Node 20 has neither `fs.promises.glob` nor
 * `path.matchesGlob`): a glob → RegExp converter, ripgrep-style `--glob` matchers, and the split
 * of a path pattern into its literal base and its glob.
 */

/**
 * Converts a glob to a RegExp matching a whole `/`-separated path. Supports `**` (any number of
 * directories, including none), `*` and `?` (never crossing `/`), `{a,b}` (nestable), `[abc]`,
 * `[a-z]`, `[!abc]`/`[^abc]`, and `\` to escape the next character. Unbalanced `{` or `[` are
 * taken literally.
 */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${convert(glob, 0, false).source}$`);
}

interface Converted {
  source: string;
  /** Index just past what was consumed. */
  end: number;
}

function convert(glob: string, start: number, inBraces: boolean): Converted {
  let out = '';
  let i = start;
  while (i < glob.length) {
    const ch = glob[i];
    if (inBraces && (ch === ',' || ch === '}')) return { source: out, end: i };
    switch (ch) {
      case '\\': {
        const next = glob[i + 1];
        out += next === undefined ? '\\\\' : escapeRegExp(next);
        i += 2;
        break;
      }
      case '*': {
        let stars = 0;
        while (glob[i + stars] === '*') stars++;
        const before = glob[i - 1];
        const atSegmentStart =
          i === 0 || before === '/' || (inBraces && (before === '{' || before === ','));
        const after = glob[i + stars];
        if (stars >= 2 && atSegmentStart && after === '/') {
          out += '(?:[^/]*/)*';
          i += stars + 1;
        } else if (stars >= 2 && atSegmentStart && endsSegment(after, inBraces)) {
          out += '.*';
          i += stars;
        } else {
          out += '[^/]*';
          i += stars;
        }
        break;
      }
      case '?':
        out += '[^/]';
        i++;
        break;
      case '[': {
        const cls = convertClass(glob, i);
        if (cls) {
          out += cls.source;
          i = cls.end;
        } else {
          out += '\\[';
          i++;
        }
        break;
      }
      case '{': {
        const alternatives = convertBraces(glob, i);
        if (alternatives) {
          out += alternatives.source;
          i = alternatives.end;
        } else {
          out += '\\{';
          i++;
        }
        break;
      }
      default:
        out += escapeRegExp(ch);
        i++;
    }
  }
  return { source: out, end: i };
}

function endsSegment(next: string | undefined, inBraces: boolean): boolean {
  return next === undefined || (inBraces && (next === ',' || next === '}'));
}

function convertBraces(glob: string, open: number): Converted | undefined {
  const options: string[] = [];
  let i = open + 1;
  for (;;) {
    const part = convert(glob, i, true);
    options.push(part.source);
    const stop = glob[part.end];
    if (stop === '}') return { source: `(?:${options.join('|')})`, end: part.end + 1 };
    if (stop !== ',') return undefined; // ran off the end: no closing brace
    i = part.end + 1;
  }
}

function convertClass(glob: string, open: number): Converted | undefined {
  let i = open + 1;
  let negate = false;
  if (glob[i] === '!' || glob[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  // A `]` right after the opening (or its negation) belongs to the class.
  let first = true;
  while (i < glob.length) {
    const ch = glob[i];
    if (ch === ']' && !first) {
      if (body === '') return undefined;
      // A class never matches `/`, as in every glob dialect that splits on directories.
      return { source: negate ? `[^/${body}]` : `(?!/)[${body}]`, end: i + 1 };
    }
    if (ch === '\\' && i + 1 < glob.length) {
      body += escapeClassChar(glob[i + 1]);
      i += 2;
    } else {
      // `-` keeps its range meaning; everything else is literal.
      body += ch === '-' ? '-' : escapeClassChar(ch);
      i++;
    }
    first = false;
  }
  return undefined;
}

function escapeClassChar(ch: string): string {
  return /[A-Za-z0-9]/.test(ch) ? ch : `\\${ch}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A matcher for one glob as ripgrep's `--glob` reads it: a glob without `/` matches a file's
 * name in any directory (`*.ts`), one with `/` matches the path relative to the search root
 * (`src/**\/*.ts`; a leading `/` or `./` anchors it there too).
 */
export function createGlobMatcher(glob: string): (relativePath: string) => boolean {
  let pattern = glob.trim();
  if (pattern.startsWith('./')) pattern = pattern.slice(2);
  else if (pattern.startsWith('/')) pattern = pattern.slice(1);
  if (pattern.endsWith('/')) pattern = pattern.slice(0, -1);
  const regex = globToRegExp(pattern);
  if (!pattern.includes('/'))
    return (relativePath) => regex.test(path.posix.basename(relativePath));
  return (relativePath) => regex.test(relativePath);
}

const GLOB_CHARACTERS = /[*?[\]{}]/;

/** Whether `text` has any glob syntax (`*`, `?`, `[...]`, `{...}`). */
export function hasGlobSyntax(text: string): boolean {
  return GLOB_CHARACTERS.test(text);
}

/**
 * Splits a path pattern into its literal leading directories and the glob after them:
 * `docs/rules/*.md` → `docs/rules` + `*.md`, `/etc/team/*.md` → `/etc/team` + `*.md`. A pattern
 * without glob syntax is all base (`glob` undefined).
 */
export function splitGlobBase(pattern: string): { base: string; glob: string | undefined } {
  const parts = pattern.split('/');
  const first = parts.findIndex(hasGlobSyntax);
  if (first === -1) return { base: pattern, glob: undefined };
  const base = parts.slice(0, first).join('/');
  return {
    base: base === '' && pattern.startsWith('/') ? '/' : base,
    glob: parts.slice(first).join('/'),
  };
}
