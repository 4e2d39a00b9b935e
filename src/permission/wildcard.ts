/**
 * Shell-style wildcard matching for permission rules: `*` is any run of characters, `?` one
 * character. A pattern ending in ` *` also matches the bare command (`ls *` matches `ls`), so an
 * "always allow `ls *`" answer covers `ls` without arguments too.
 */
export function matchesWildcard(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  return compile(pattern).test(value);
}

const compiled = new Map<string, RegExp>();

function compile(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (regex) return regex;
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  if (pattern.endsWith(' *')) source = `${source.slice(0, -' [\\s\\S]*'.length)}(?: [\\s\\S]*)?`;
  regex = new RegExp(`^${source}$`);
  // Patterns come from config and from "always" answers: a small, bounded set per process.
  if (compiled.size < 10_000) compiled.set(pattern, regex);
  return regex;
}
