/** The message of anything thrown, for logs and tool output. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The message of a failed `fetch`, with the reason undici keeps in `cause` (ECONNREFUSED,
 * ENOTFOUND...). Checked by shape: undici's errors may come from another realm than `Error`.
 */
export function fetchErrorMessage(error: unknown): string {
  const message = (value: unknown): string | undefined =>
    typeof value === 'object' && value !== null && 'message' in value
      ? String(value.message)
      : undefined;
  const cause =
    typeof error === 'object' && error !== null && 'cause' in error
      ? message(error.cause)
      : undefined;
  const text = message(error) ?? String(error);
  return cause ? `${text} (${cause})` : text;
}
