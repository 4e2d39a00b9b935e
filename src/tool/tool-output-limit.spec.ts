import { limitToolOutput } from './tool-output-limit';

describe('limitToolOutput', () => {
  it('leaves output within both limits as it is', () => {
    expect(limitToolOutput('a\nb\nc', { maxLines: 3, maxBytes: 100 })).toBe('a\nb\nc');
  });

  it('cuts at the line limit, saying how many lines went', () => {
    const output = limitToolOutput('1\n2\n3\n4\n5', { maxLines: 2, maxBytes: 100 });
    expect(
      output.startsWith(
        '1\n2\n\n(Output cut at 2 lines or 100 bytes: 6 of its 9 bytes were left out.',
      ),
    ).toBe(true);
  });

  it('cuts at the byte limit on a line boundary, counting UTF-8 bytes', () => {
    // "éé" is 4 bytes: two such lines and a newline are 9 bytes.
    const output = limitToolOutput('éé\néé\néé', { maxLines: 100, maxBytes: 9 });
    expect(
      output.startsWith(
        'éé\néé\n\n(Output cut at 100 lines or 9 bytes: 5 of its 14 bytes were left out.',
      ),
    ).toBe(true);
  });

  it('keeps the start of a single line longer than the byte limit', () => {
    const output = limitToolOutput('x'.repeat(50), { maxLines: 10, maxBytes: 8 });
    expect(output.startsWith('xxxxxxxx\n\n(Output cut at 10 lines or 8 bytes: 42 of its 50')).toBe(
      true,
    );
  });
});
