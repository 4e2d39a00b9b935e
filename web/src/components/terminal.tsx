import type { OpencodeClient } from '@opencode-ai/sdk/v2/client';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ptySocketUrl, type Connection } from '../connection';
import { decodeFrame } from '../pty-frames';

interface TerminalPanelProps {
  client: OpencodeClient;
  connection: Connection;
  onClose: () => void;
}

/** The page's own colours (styles.css), so the terminal does not stand out as a black box. */
const DARK_THEME = { background: '#0d1117', foreground: '#e6edf3', cursor: '#e6edf3' };
const LIGHT_THEME = {
  background: '#ffffff',
  foreground: '#1f2328',
  cursor: '#1f2328',
  cursorAccent: '#ffffff',
  selectionBackground: '#b6d4fe',
};

/**
 * A shell of the project in xterm.js (its default DOM renderer), bound to a PTY of the server:
 * created when the panel opens, removed when it closes. Output frames are written to the
 * terminal, control frames (a 0 byte, then JSON) carry the output cursor, keystrokes are sent as
 * typed, and the PTY is resized with the panel.
 */
export function TerminalPanel({ client, connection, onClose }: TerminalPanelProps) {
  const container = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState('starting');
  const reconnect = useRef<() => void>(() => undefined);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
    const terminal = new Terminal({
      cursorBlink: true,
      fontSize: 13,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
      scrollback: 5000,
      theme: dark ? DARK_THEME : LIGHT_THEME,
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);
    fit.fit();
    terminal.focus();

    let disposed = false;
    let socket: WebSocket | undefined;
    let ptyID: string | undefined;
    /** Output offset the server last reported: where a new socket resumes without repeats. */
    let cursor: number | undefined;
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;

    const sendSize = () => {
      if (!ptyID) return;
      const size = { rows: terminal.rows, cols: terminal.cols };
      client.pty.update({ ptyID, size }).catch(() => undefined);
    };

    const connect = async () => {
      if (!ptyID || disposed) return;
      setStatus('connecting');
      let ticket: string | undefined;
      if (!connection.authToken) {
        // A socket carries no Authorization header: a single-use ticket stands in for the
        // browser's credentials. Without a password the server needs none, and may refuse to
        // issue one; the socket then goes without.
        try {
          const { data } = await client.pty.connectToken(
            { ptyID },
            { headers: { 'x-opencode-ticket': '1' } },
          );
          ticket = data?.ticket;
        } catch {
          ticket = undefined;
        }
      }
      if (disposed) return;
      const ws = new WebSocket(ptySocketUrl(connection, ptyID, { ticket, cursor }));
      ws.binaryType = 'arraybuffer';
      socket = ws;
      ws.onopen = () => {
        setStatus('connected');
        sendSize();
      };
      ws.onmessage = (message: MessageEvent<string | ArrayBuffer>) => {
        const frame = decodeFrame(message.data);
        if (frame.kind === 'output') {
          terminal.write(frame.data);
          if (cursor !== undefined) cursor += frame.size;
        } else if (typeof frame.control.cursor === 'number') {
          cursor = frame.control.cursor;
        }
      };
      ws.onclose = () => {
        if (disposed || socket !== ws) return;
        setStatus('disconnected');
      };
    };
    reconnect.current = () => void connect();

    const input = terminal.onData((data) => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(data);
    });
    const resized = terminal.onResize(() => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(sendSize, 100);
    });
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(element);

    client.pty
      .create({ title: 'Web terminal' })
      .then(({ data }) => {
        if (!data) throw new Error('no terminal');
        ptyID = data.id;
        if (disposed) {
          client.pty.remove({ ptyID }).catch(() => undefined);
          return;
        }
        return connect();
      })
      .catch((error: unknown) => {
        setStatus('failed');
        terminal.write(`\r\nCould not start a terminal: ${String(error)}\r\n`);
      });

    return () => {
      disposed = true;
      clearTimeout(resizeTimer);
      observer.disconnect();
      input.dispose();
      resized.dispose();
      socket?.close();
      if (ptyID) client.pty.remove({ ptyID }).catch(() => undefined);
      terminal.dispose();
    };
  }, [client, connection]);

  return (
    <section class="terminal-panel" aria-label="Terminal">
      <header class="panel-head">
        <strong>Terminal</strong>
        <span class="muted">{status}</span>
        {status === 'disconnected' && (
          <button type="button" onClick={() => reconnect.current()}>
            Reconnect
          </button>
        )}
        <button type="button" class="link" aria-label="Close terminal" onClick={onClose}>
          Close <kbd>Ctrl+`</kbd>
        </button>
      </header>
      <div class="terminal" data-testid="terminal" ref={container} />
    </section>
  );
}
