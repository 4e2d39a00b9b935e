import { describe, expect, it } from 'vitest';
import { activeMention, completeMention, fileUrl, findMentions, promptParts } from './mention';

describe('@ mentions', () => {
  it('finds the mention being typed at the caret', () => {
    expect(activeMention('read @src/ma', 12)).toEqual({ start: 5, query: 'src/ma' });
    expect(activeMention('@', 1)).toEqual({ start: 0, query: '' });
    expect(activeMention('line one\n@a', 11)).toEqual({ start: 9, query: 'a' });
  });

  it('sees no mention in an e-mail address, after a space, or before the @', () => {
    expect(activeMention('mail me@example.com', 19)).toBeUndefined();
    expect(activeMention('read @a.txt now', 15)).toBeUndefined();
    expect(activeMention('plain text', 5)).toBeUndefined();
  });

  it('completes the mention with the picked path and a space', () => {
    const text = 'read @sr and more';
    const mention = activeMention(text, 8)!;
    expect(completeMention(text, mention, 8, 'src/main.ts')).toEqual({
      text: 'read @src/main.ts and more',
      caret: 18,
    });
  });

  it('attaches only the picked files still in the text, each once', () => {
    const picked = new Set(['a.txt', 'src/main.ts', 'gone.txt']);
    const text = 'compare @a.txt with @src/main.ts, then @a.txt again; also @typed.ts';
    expect(findMentions(text, picked).map((m) => [m.path, text.slice(m.start, m.end)])).toEqual([
      ['a.txt', '@a.txt'],
      ['src/main.ts', '@src/main.ts'],
      ['a.txt', '@a.txt'],
    ]);
    const parts = promptParts(text, picked, '/home/me/project');
    expect(parts).toEqual([
      { type: 'text', text },
      {
        type: 'file',
        mime: 'text/plain',
        filename: 'a.txt',
        url: 'file:///home/me/project/a.txt',
        source: { type: 'file', path: 'a.txt', text: { value: '@a.txt', start: 8, end: 14 } },
      },
      {
        type: 'file',
        mime: 'text/plain',
        filename: 'src/main.ts',
        url: 'file:///home/me/project/src/main.ts',
        source: {
          type: 'file',
          path: 'src/main.ts',
          text: { value: '@src/main.ts', start: 20, end: 32 },
        },
      },
    ]);
  });

  it('escapes what a URL reserves in file paths', () => {
    expect(fileUrl('/my project/', 'a #1?.txt')).toBe('file:///my%20project/a%20%231%3F.txt');
    expect(fileUrl('/p', '/abs/x.ts')).toBe('file:///abs/x.ts');
  });
});
