import { diffText } from './text-diff';

/** Applies a patch made by diffText to `before`, checking every context and removed line. */
function applyPatch(before: string, patch: string): string {
  const source = before === '' ? [] : before.split(/(?<=\n)/);
  const out: string[] = [];
  let cursor = 0;
  const lines = patch.split('\n');
  let i = lines.findIndex((line) => line.startsWith('@@'));
  while (i !== -1 && i < lines.length && lines[i].startsWith('@@')) {
    const [, oldStart, oldLines] = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(
      lines[i],
    ) as RegExpExecArray;
    const start = Number(oldLines) === 0 ? Number(oldStart) : Number(oldStart) - 1;
    out.push(...source.slice(cursor, start));
    cursor = start;
    i++;
    while (i < lines.length && lines[i] !== '' && !lines[i].startsWith('@@')) {
      const line = lines[i];
      const noNewline = lines[i + 1] === '\\ No newline at end of file';
      const text = line.slice(1) + (noNewline ? '' : '\n');
      if (line[0] === ' ' || line[0] === '-') {
        expect(source[cursor]).toBe(text);
        cursor++;
      }
      if (line[0] === ' ' || line[0] === '+') out.push(text);
      i += noNewline ? 2 : 1;
    }
  }
  out.push(...source.slice(cursor));
  return out.join('');
}

describe('diffText', () => {
  it('writes a unified patch in the layout of jsdiff createTwoFilesPatch', () => {
    const diff = diffText('/p/a.txt', 'one\ntwo\nthree\n', 'one\n2\nthree\n');
    expect(diff.patch).toBe(
      [
        'Index: /p/a.txt',
        '===================================================================',
        '--- /p/a.txt',
        '+++ /p/a.txt',
        '@@ -1,3 +1,3 @@',
        ' one',
        '-two',
        '+2',
        ' three',
        '',
      ].join('\n'),
    );
    expect(diff).toMatchObject({ additions: 1, deletions: 1 });
  });

  it('numbers an empty side from the line before it', () => {
    expect(diffText('f', '', 'a\nb\n').patch).toContain('@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(diffText('f', 'a\n', '').patch).toContain('@@ -1,1 +0,0 @@\n-a\n');
  });

  it('marks a last line without a line break', () => {
    const diff = diffText('f', 'a\nb', 'a\nb\n');
    expect(diff.patch).toContain('-b\n\\ No newline at end of file\n+b\n');
    expect(diff).toMatchObject({ additions: 1, deletions: 1 });
  });

  it('keeps four lines of context and splits distant changes into hunks', () => {
    const before = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 2\n', 'line two\n').replace('line 28\n', 'line 28b\n');
    const diff = diffText('f', before, after);
    expect(diff.patch).toContain('@@ -1,6 +1,6 @@\n line 1\n-line 2\n+line two\n line 3');
    expect(diff.patch).toContain('@@ -24,7 +24,7 @@\n line 24');
    expect(applyPatch(before, diff.patch)).toBe(after);
  });

  it('produces no hunk for identical text', () => {
    const diff = diffText('f', 'same\n', 'same\n');
    expect(diff.patch).not.toContain('@@');
    expect(diff).toMatchObject({ additions: 0, deletions: 0 });
  });

  it('produces patches that apply, for many random edits', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let round = 0; round < 300; round++) {
      const a = Array.from(
        { length: Math.floor(random() * 40) },
        () => `l${Math.floor(random() * 5)}`,
      );
      const b = [...a];
      for (let edit = Math.floor(random() * 8); edit > 0; edit--) {
        const at = Math.floor(random() * (b.length + 1));
        const kind = random();
        if (kind < 0.4) b.splice(at, 1);
        else if (kind < 0.7) b.splice(at, 0, `new${Math.floor(random() * 3)}`);
        else b[at] = 'changed';
      }
      const before = a.join('\n') + (random() < 0.5 ? '\n' : '');
      const after = b.join('\n') + (random() < 0.5 ? '\n' : '');
      const diff = diffText('f', before, after);
      expect(applyPatch(before, diff.patch)).toBe(after);
    }
  });

  it('stays correct and fast when everything differs', () => {
    const before = Array.from({ length: 5000 }, (_, i) => `old ${i}`).join('\n') + '\n';
    const after = Array.from({ length: 5000 }, (_, i) => `new ${i}`).join('\n') + '\n';
    const started = Date.now();
    const diff = diffText('f', before, after);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(diff).toMatchObject({ additions: 5000, deletions: 5000 });
    expect(applyPatch(before, diff.patch)).toBe(after);
  });
});
