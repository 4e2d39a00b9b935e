/**
 * Line diffs of a file's two versions, as a unified patch in the layout of jsdiff's
 * `createTwoFilesPatch` (what the reference puts in tool metadata, permission asks and session
 * diffs), with the added and removed line counts. Used by the `edit` and `write` tools and by
 * snapshot diffs.
 */

export interface TextDiff {
  patch: string;
  additions: number;
  deletions: number;
}

type OpKind = ' ' | '-' | '+';

interface Op {
  kind: OpKind;
  /** One line including its `\n`; the last line of a file may lack it. */
  line: string;
}

/** Lines of context around each change, as jsdiff's default. */
const CONTEXT = 4;

/**
 * Past this many differing lines the diff stops looking for the shortest edit script and shows
 * the differing middle as removed then added: still a correct patch, at bounded time and memory.
 */
const MAX_EDIT_DISTANCE = 2000;

export function diffText(fileName: string, before: string, after: string): TextDiff {
  const ops = diffLines(splitLines(before), splitLines(after));
  let additions = 0;
  let deletions = 0;
  for (const op of ops) {
    if (op.kind === '+') additions++;
    else if (op.kind === '-') deletions++;
  }
  const header = [`Index: ${fileName}`, '='.repeat(67), `--- ${fileName}`, `+++ ${fileName}`];
  return { patch: [...header, ...formatHunks(ops)].join('\n') + '\n', additions, deletions };
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map((line) => `${line}\n`);
  const last = lines.length - 1;
  if (text.endsWith('\n')) lines.pop();
  else lines[last] = lines[last].slice(0, -1);
  return lines;
}

function diffLines(a: string[], b: string[]): Op[] {
  // Edits usually touch a small middle: diff only that.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return [
    ...a.slice(0, start).map((line): Op => ({ kind: ' ', line })),
    ...shortestEditScript(a.slice(start, endA), b.slice(start, endB)),
    ...a.slice(endA).map((line): Op => ({ kind: ' ', line })),
  ];
}

/** Myers' O((N+M)D) algorithm; keeps only the live diagonals of each step for the backtrack. */
function shortestEditScript(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const removeAll = a.map((line): Op => ({ kind: '-', line }));
  const addAll = b.map((line): Op => ({ kind: '+', line }));
  if (n === 0 || m === 0) return [...removeAll, ...addAll];

  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  /** trace[d][k + d]: the furthest x on diagonal k after step d - 1. */
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]);
      let x = down ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, d);
    }
  }
  return [...removeAll, ...addAll];
}

function backtrack(trace: Int32Array[], a: string[], b: string[], steps: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = steps; d > 0; d--) {
    const v = trace[d];
    const k = x - y;
    const down = k === -d || (k !== d && v[k - 1 + d] < v[k + 1 + d]);
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[prevK + d];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x] });
      y--;
    }
    if (down) ops.push({ kind: '+', line: b[--y] });
    else ops.push({ kind: '-', line: a[--x] });
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: ' ', line: a[--x] });
    y--;
  }
  return ops.reverse();
}

function formatHunks(ops: Op[]): string[] {
  // Line numbers (0-based) in the old and new file where each op stands.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let oldLine = 0;
  let newLine = 0;
  for (const op of ops) {
    oldAt.push(oldLine);
    newAt.push(newLine);
    if (op.kind !== '+') oldLine++;
    if (op.kind !== '-') newLine++;
  }
  const changes = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  const out: string[] = [];
  let c = 0;
  while (c < changes.length) {
    const first = changes[c];
    let last = first;
    // Changes separated by at most twice the context share one hunk.
    while (c + 1 < changes.length && changes[c + 1] - last - 1 <= 2 * CONTEXT) last = changes[++c];
    const from = Math.max(0, first - CONTEXT);
    const to = Math.min(ops.length, last + CONTEXT + 1);
    const slice = ops.slice(from, to);
    const oldLines = slice.filter((op) => op.kind !== '+').length;
    const newLines = slice.filter((op) => op.kind !== '-').length;
    // Unified diff quirk: an empty range names the line before it.
    const oldStart = oldLines === 0 ? oldAt[from] : oldAt[from] + 1;
    const newStart = newLines === 0 ? newAt[from] : newAt[from] + 1;
    out.push(`@@ -${oldStart},${oldLines} +${newStart},${newLines} @@`);
    for (const op of slice) {
      const endsLine = op.line.endsWith('\n');
      out.push(op.kind + (endsLine ? op.line.slice(0, -1) : op.line));
      if (!endsLine) out.push('\\ No newline at end of file');
    }
    c++;
  }
  return out;
}
