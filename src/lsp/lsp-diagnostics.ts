import type { Diagnostic } from 'vscode-languageserver-types';

/** As the reference: a file's errors beyond this many are only counted. */
const MAX_ERRORS_PER_FILE = 20;

const SEVERITY = { 1: 'ERROR', 2: 'WARN', 3: 'INFO', 4: 'HINT' } as const;

/** `ERROR [3:5] message`, 1-based as editors show positions. */
export function prettyDiagnostic(diagnostic: Diagnostic): string {
  const severity = SEVERITY[diagnostic.severity ?? 1];
  const { line, character } = diagnostic.range.start;
  // LSP 3.18 allows markup messages; their text is what a model should read.
  const message =
    typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
  return `${severity} [${line + 1}:${character + 1}] ${message}`;
}

/**
 * The block the reference's `write` and `edit` tools append to their output when the file they
 * wrote has errors, so the model fixes them in its next step; empty when there are none.
 */
export function errorReport(file: string, diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((item) => item.severity === 1);
  if (errors.length === 0) return '';
  const shown = errors.slice(0, MAX_ERRORS_PER_FILE).map(prettyDiagnostic).join('\n');
  const more =
    errors.length > MAX_ERRORS_PER_FILE
      ? `\n... and ${errors.length - MAX_ERRORS_PER_FILE} more`
      : '';
  return `\n\nLSP errors detected in this file, please fix:\n<diagnostics file="${file}">\n${shown}${more}\n</diagnostics>`;
}
