import { OutputLog } from './output-log';

describe('OutputLog', () => {
  it('replays from a cursor, counting UTF-16 units as the reference', () => {
    const log = new OutputLog(100);
    log.append('é😀x\r\n');
    expect(log.cursor).toBe(6);
    expect(log.since(0)).toBe('é😀x\r\n');
    expect(log.since(1)).toBe('😀x\r\n');
    // Inside the emoji's surrogate pair: the whole character is sent.
    expect(log.since(2)).toBe('😀x\r\n');
    expect(log.since(3)).toBe('x\r\n');
    expect(log.since(6)).toBe('');
    expect(log.since(600)).toBe('');
  });

  it('keeps only the last `limit` units, the offsets going on', () => {
    const log = new OutputLog(10);
    for (let i = 0; i < 5; i++) log.append('abcdef');
    expect(log.cursor).toBe(30);
    expect(log.since(0)).toBe('cdefabcdef');
    expect(log.since(25)).toBe('bcdef');
  });

  it('bounds memory under a flood of small and large writes', () => {
    const log = new OutputLog(1000);
    for (let i = 0; i < 10_000; i++) log.append('x');
    log.append('y'.repeat(5000));
    expect(log.cursor).toBe(15_000);
    expect(log.since(0)).toBe('y'.repeat(1000));
  });

  it('does not start with half of a trimmed character', () => {
    const log = new OutputLog(3);
    log.append('a😀bc');
    // Kept: the low half of the emoji, then "bc".
    expect(log.since(0)).toBe('bc');
  });

  it('clear drops the text but not the count', () => {
    const log = new OutputLog(10);
    log.append('hello');
    log.clear();
    expect(log.cursor).toBe(5);
    expect(log.since(0)).toBe('');
    log.append('!');
    expect(log.since(0)).toBe('!');
  });
});
