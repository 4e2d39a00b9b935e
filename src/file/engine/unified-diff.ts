/** One hunk as the reference's `FileContent.patch.hunks[]` (jsdiff's structuredPatch shape). */
export interface PatchHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Each line prefixed with ' ', '-', '+', or '\' for "\ No newline at end of file". */
  lines: string[];
}

export interface StructuredPatch {
  oldFileName: string;
  newFileName: string;
  oldHeader?: string;
  newHeader?: string;
  hunks: PatchHunk[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * The hunks of a one-file unified diff as git prints it. Hunk bodies are consumed by their line
 * counts, so a removed line that reads "-- x" is never mistaken for a file header.
 */
export function parseUnifiedDiff(text: string): PatchHunk[] {
  const lines = text.split('\n');
  const hunks: PatchHunk[] = [];
  let i = 0;
  while (i < lines.length) {
    const header = HUNK_HEADER.exec(lines[i++]);
    if (!header) continue;
    const hunk: PatchHunk = {
      oldStart: Number(header[1]),
      oldLines: header[2] === undefined ? 1 : Number(header[2]),
      newStart: Number(header[3]),
      newLines: header[4] === undefined ? 1 : Number(header[4]),
      lines: [],
    };
    let oldLeft = hunk.oldLines;
    let newLeft = hunk.newLines;
    while (i < lines.length) {
      const line = lines[i];
      const marker = line[0];
      if (marker === '\\') {
        hunk.lines.push(line);
      } else if (oldLeft === 0 && newLeft === 0) {
        break;
      } else if (marker === ' ' || (line === '' && oldLeft > 0 && newLeft > 0)) {
        // Some tools strip the space of an empty context line.
        hunk.lines.push(line === '' ? ' ' : line);
        oldLeft--;
        newLeft--;
      } else if (marker === '-') {
        hunk.lines.push(line);
        oldLeft--;
      } else if (marker === '+') {
        hunk.lines.push(line);
        newLeft--;
      } else {
        break;
      }
      i++;
    }
    hunks.push(hunk);
  }
  return hunks;
}

/** Text of a structured patch in jsdiff's `formatPatch` layout, which the reference sends. */
export function formatPatch(patch: StructuredPatch): string {
  const out: string[] = [];
  if (patch.oldFileName === patch.newFileName) out.push(`Index: ${patch.oldFileName}`);
  out.push('='.repeat(67));
  out.push(
    `--- ${patch.oldFileName}${patch.oldHeader === undefined ? '' : `\t${patch.oldHeader}`}`,
  );
  out.push(
    `+++ ${patch.newFileName}${patch.newHeader === undefined ? '' : `\t${patch.newHeader}`}`,
  );
  for (const hunk of patch.hunks) {
    out.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    out.push(...hunk.lines);
  }
  return out.join('\n') + '\n';
}
