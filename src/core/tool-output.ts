/**
 * The cap on what a tool hands the model: the built-in tools, MCP tools, the shell runner (the
 * `bash` tool and `POST /session/:id/shell`) and the model-message conversion all cut output here.
 */

/** Past this many characters, a tool's output is cut and the model is told so. */
export const MAX_TOOL_OUTPUT_CHARS = 50_000;

/**
 * Cuts `output` to the cap, keeping the head and saying how much was left out. `totalLength` is
 * the length of the whole output when only its head was kept (a command's endless output).
 */
export function truncateOutput(
  output: string,
  limit = MAX_TOOL_OUTPUT_CHARS,
  totalLength = output.length,
): { text: string; truncated: boolean } {
  if (totalLength <= limit) return { text: output, truncated: false };
  const omitted = totalLength - limit;
  return {
    text: `${output.slice(0, limit)}\n\n(Output truncated: ${omitted} more characters were omitted. Narrow the request to see the rest.)`,
    truncated: true,
  };
}
