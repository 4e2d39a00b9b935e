import { formatPatch, parseUnifiedDiff } from './unified-diff';

describe('parseUnifiedDiff', () => {
  it('parses git output with several hunks, omitted counts and file-header-like lines', () => {
    const text = [
      'diff --git a/f b/f',
      'index 1111111..2222222 100644',
      '--- a/f',
      '+++ b/f',
      '@@ -1 +1 @@',
      '--- looks like a header',
      '+++ looks like a header too',
      '@@ -10,3 +10,2 @@ function context',
      ' keep',
      '-drop',
      ' end',
      '\\ No newline at end of file',
      '',
    ].join('\n');
    expect(parseUnifiedDiff(text)).toEqual([
      {
        oldStart: 1,
        oldLines: 1,
        newStart: 1,
        newLines: 1,
        lines: ['--- looks like a header', '+++ looks like a header too'],
      },
      {
        oldStart: 10,
        oldLines: 3,
        newStart: 10,
        newLines: 2,
        lines: [' keep', '-drop', ' end', '\\ No newline at end of file'],
      },
    ]);
  });

  it('returns no hunks for an empty or header-only diff', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
    expect(parseUnifiedDiff('diff --git a/x b/x\nold mode 100644\nnew mode 100755\n')).toEqual([]);
  });
});

describe('formatPatch', () => {
  it('lays a patch out as jsdiff does', () => {
    const text = formatPatch({
      oldFileName: 'f.ts',
      newFileName: 'f.ts',
      oldHeader: 'old',
      newHeader: 'new',
      hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 1, lines: ['+x'] }],
    });
    expect(text).toBe(
      'Index: f.ts\n' +
        '===================================================================\n' +
        '--- f.ts\told\n+++ f.ts\tnew\n@@ -0,0 +1,1 @@\n+x\n',
    );
    expect(formatPatch({ oldFileName: 'a', newFileName: 'b', hunks: [] })).toBe(
      '===================================================================\n--- a\n+++ b\n',
    );
  });
});
