import type { IPty } from 'node-pty';
import { OutputLog } from './output-log';
import { signalSession } from './process-session';

export type TerminalStatus = 'running' | 'exited';

/** A terminal as clients see it (the reference's `Pty`). */
export interface TerminalInfo {
  id: string;
  title: string;
  command: string;
  args: string[];
  cwd: string;
  status: TerminalStatus;
  pid: number;
  exitCode?: number;
}

/** Why a terminal lets its clients go. */
export type DetachReason = 'exited' | 'removed' | 'disposed';

/** Someone watching a terminal (a WebSocket). */
export interface TerminalClient {
  output(text: string): void;
  /** The terminal ended or went away: the client is detached already. */
  end(reason: DetachReason): void;
}

/** What a client attaching gets: the output it missed, and the cursor just past it. */
export interface Attachment {
  replay: string;
  cursor: number;
  detach(): void;
}

/**
 * Output kept per terminal for clients that connect later, in UTF-16 units: 2 Mi, the
 * reference's bound. Enough for xterm's default 1000-line scrollback even of wide, coloured
 * lines (escape sequences included), while a runaway program cannot grow memory: past it, the
 * oldest output is dropped.
 */
export const OUTPUT_LIMIT = 2 * 1024 * 1024;
/** Time the processes of a removed terminal get between SIGHUP and SIGKILL. */
const KILL_GRACE_MS = 1000;

/**
 * One pseudo-terminal and its program: output is appended to the log and handed to every
 * attached client as it comes (node-pty's callbacks and `attach` run on the one event loop, so
 * a client sees the replay, then every later write, none twice and none lost).
 */
export class Terminal {
  private readonly output = new OutputLog(OUTPUT_LIMIT);
  private readonly clients = new Set<TerminalClient>();
  private ended = false;

  constructor(
    readonly info: TerminalInfo,
    private readonly process: IPty,
    /** The program exited by itself (not after `terminate`). */
    onExit: (exitCode: number) => void,
  ) {
    process.onData((text) => {
      this.output.append(text);
      for (const client of this.clients) client.output(text);
    });
    process.onExit(({ exitCode }) => {
      info.status = 'exited';
      info.exitCode = Math.max(0, exitCode);
      // Nothing can attach to an exited terminal (the reference closes such sockets), so its
      // output is of no further use.
      this.output.clear();
      const byItself = !this.ended;
      this.detachAll('exited');
      if (byItself) onExit(info.exitCode);
    });
  }

  get running(): boolean {
    return this.info.status === 'running';
  }

  write(data: string): void {
    if (this.running) this.process.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.running) this.process.resize(cols, rows);
  }

  /**
   * Attaches a client from `cursor` on: 0 replays everything kept, -1 nothing (live output
   * only), any other offset what followed it.
   */
  attach(client: TerminalClient, cursor: number): Attachment {
    const replay = cursor < 0 ? '' : this.output.since(cursor);
    this.clients.add(client);
    return {
      replay,
      cursor: this.output.cursor,
      detach: () => this.clients.delete(client),
    };
  }

  /**
   * Hangs up: clients are let go with `reason`, and every process of the terminal gets SIGHUP
   * (what closing a terminal window sends), then SIGKILL if still there after a grace period.
   */
  terminate(reason: Exclude<DetachReason, 'exited'>): Promise<void> {
    this.ended = true;
    this.detachAll(reason);
    this.output.clear();
    const leader = this.info.pid;
    return signalSession(leader, 'SIGHUP').then(() => {
      setTimeout(() => void signalSession(leader, 'SIGKILL'), KILL_GRACE_MS).unref();
    });
  }

  private detachAll(reason: DetachReason): void {
    const clients = [...this.clients];
    this.clients.clear();
    for (const client of clients) client.end(reason);
  }
}
