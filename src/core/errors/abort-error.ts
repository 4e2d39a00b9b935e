/**
 * The error of work stopped by an abort, named as `fetch` and the AI SDK name theirs
 * (`AbortError`), so one check recognises them all.
 */
export function abortError(): Error {
  return Object.assign(new Error('Aborted'), { name: 'AbortError' });
}
