import type { Diagnostic } from 'vscode-languageserver-types';
import { errorReport, prettyDiagnostic } from './lsp-diagnostics';

const at = (line: number, message: string, severity: Diagnostic['severity'] = 1): Diagnostic => ({
  range: { start: { line, character: 4 }, end: { line, character: 9 } },
  message,
  severity,
});

describe('LSP diagnostics for tool output', () => {
  it('prints positions 1-based with the severity', () => {
    expect(prettyDiagnostic(at(2, 'bad', 2))).toBe('WARN [3:5] bad');
    expect(prettyDiagnostic({ ...at(0, 'no severity'), severity: undefined })).toBe(
      'ERROR [1:5] no severity',
    );
  });

  it('reports errors only, at most 20, and nothing without errors', () => {
    expect(errorReport('/p/a.ts', [at(0, 'just a warning', 2)])).toBe('');
    const report = errorReport(
      '/p/a.ts',
      Array.from({ length: 22 }, (_, i) => at(i, `e${i}`)),
    );
    expect(report.startsWith('\n\nLSP errors detected in this file, please fix:\n')).toBe(true);
    expect(report).toContain('<diagnostics file="/p/a.ts">\nERROR [1:5] e0\n');
    expect(report).toContain('ERROR [20:5] e19\n... and 2 more\n</diagnostics>');
    expect(report).not.toContain('e20');
  });
});
