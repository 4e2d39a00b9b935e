import { parseCursor } from './pty-socket.gateway';

describe('parseCursor', () => {
  it('reads ?cursor= as the reference: -1 live only, an offset, anything else 0', () => {
    expect(parseCursor('-1')).toBe(-1);
    expect(parseCursor('0')).toBe(0);
    expect(parseCursor('37')).toBe(37);
    for (const value of [undefined, '', 'abc', '-2', '1.5', '1e3', '99999999999999999999', ['1']]) {
      expect(parseCursor(value)).toBe(0);
    }
  });
});
