/**
 * A frame of a PTY's WebSocket, as the reference sends them: shell output (text frames, or
 * binary frames not starting with a 0 byte) and control messages (a binary frame: a 0 byte, then
 * JSON such as `{"cursor": 11}`).
 */
export type PtyFrame =
  | { kind: 'output'; data: string | Uint8Array; size: number }
  | { kind: 'control'; control: { cursor?: unknown; [key: string]: unknown } };

export function decodeFrame(data: string | ArrayBuffer): PtyFrame {
  if (typeof data === 'string') return { kind: 'output', data, size: data.length };
  const bytes = new Uint8Array(data);
  if (bytes[0] === 0) {
    try {
      const control: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(1)));
      if (typeof control === 'object' && control !== null) {
        return { kind: 'control', control: control as Record<string, unknown> };
      }
    } catch {
      // Not JSON after all: shown rather than dropped.
    }
  }
  return { kind: 'output', data: bytes, size: bytes.byteLength };
}
