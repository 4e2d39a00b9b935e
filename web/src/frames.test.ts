import { describe, expect, it } from 'vitest';
import { parseEvent } from './events';
import { decodeFrame } from './pty-frames';

describe('event stream frames', () => {
  it('reads {type, properties} frames and skips anything else', () => {
    expect(parseEvent('{"id":"e","type":"server.connected","properties":{}}')).toEqual({
      id: 'e',
      type: 'server.connected',
      properties: {},
    });
    expect(parseEvent('not json')).toBeUndefined();
    expect(parseEvent('{"type":"x"}')).toBeUndefined();
    expect(parseEvent('null')).toBeUndefined();
  });
});

describe('PTY frames', () => {
  const bytes = (text: string, prefix: number[] = []) =>
    new Uint8Array([...prefix, ...new TextEncoder().encode(text)]).buffer;

  it('takes text frames and plain binary frames as output', () => {
    expect(decodeFrame('$ echo hi\r\n')).toEqual({
      kind: 'output',
      data: '$ echo hi\r\n',
      size: 11,
    });
    const frame = decodeFrame(bytes('hi'));
    expect(frame.kind).toBe('output');
    expect(frame.kind === 'output' && frame.size).toBe(2);
  });

  it('takes a 0 byte then JSON as a control frame', () => {
    expect(decodeFrame(bytes('{"cursor":11}', [0]))).toEqual({
      kind: 'control',
      control: { cursor: 11 },
    });
  });
});
