/** What a tool's output may hold before it is cut, unless the config's `tool_output` says. */
export const DEFAULT_TOOL_OUTPUT_LIMIT = { maxLines: 2_000, maxBytes: 50 * 1024 };

export interface ToolOutputLimit {
  maxLines: number;
  maxBytes: number;
}

/**
 * Cuts a tool's output to the lines and UTF-8 bytes the limit allows, whichever is reached
 * first, keeping the start and telling the model what was left out and how to see it.
 */
export function limitToolOutput(output: string, limit: ToolOutputLimit): string {
  const lines = output.split('\n');
  let kept = 0;
  let bytes = 0;
  for (; kept < lines.length && kept < limit.maxLines; kept++) {
    const size = Buffer.byteLength(lines[kept], 'utf8') + (kept > 0 ? 1 : 0);
    if (bytes + size > limit.maxBytes) break;
    bytes += size;
  }
  if (kept === lines.length) return output;
  // A first line longer than the whole budget still shows its start.
  const head =
    kept === 0
      ? Buffer.from(lines[0], 'utf8').subarray(0, limit.maxBytes).toString('utf8')
      : lines.slice(0, kept).join('\n');
  const total = Buffer.byteLength(output, 'utf8');
  const omitted = total - Buffer.byteLength(head, 'utf8');
  return `${head}\n\n(Output cut at ${limit.maxLines} lines or ${limit.maxBytes} bytes: ${omitted} of its ${total} bytes were left out. Narrow the request, or read a file in pieces with offset and limit, to see the rest.)`;
}
