import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { MAX_TOOL_OUTPUT_CHARS, truncateOutput } from './tool-output';

/**
 * Running a user's or the model's shell command: the `bash` tool, `POST /session/:id/shell` and a
 * worktree's start commands all run theirs here.
 */

/** How much of the end of the output is kept for the live view (a tool part's metadata). */
export const OUTPUT_TAIL_CHARS = 30_000;
/** Time a process group gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 500;

/** Shells whose `-c` does not take a POSIX command line: the tool falls back to bash. */
const NON_POSIX_SHELLS = new Set(['fish', 'nu', 'nushell', 'pwsh', 'powershell', 'cmd', 'elvish']);

/** The shell commands run with: config `shell` when it speaks POSIX `-c`, else bash. */
export function resolveShell(configured: string | undefined): string {
  const shell = configured?.trim();
  if (!shell) return 'bash';
  const name = (shell.split(/[\\/]/).pop() ?? shell).replace(/\.exe$/i, '').toLowerCase();
  return NON_POSIX_SHELLS.has(name) ? 'bash' : shell;
}

export interface ShellRun {
  /** The output as the model reads it: cut past the tool output cap, with a note saying so. */
  text: string;
  /** The end of the output, for the part's metadata (what a client shows). */
  tail: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
}

/**
 * Runs `command` with `shell` (bash by default) in its own process group, so that a timeout or an abort can stop the
 * command and everything it started (pipelines, servers, grandchildren), not just the shell.
 */
export function runShell(
  command: string,
  cwd: string,
  timeoutMs: number,
  signal: AbortSignal,
  onOutput: (tail: string) => void,
  shell = 'bash',
  /** The whole environment of the command (the server's and a plugin's `shell.env`); the server's when absent. */
  env?: Record<string, string | undefined>,
): Promise<ShellRun> {
  return new Promise((resolve) => {
    const output = new CommandOutput();
    let timedOut = false;
    let aborted = signal.aborted;
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(shell, ['-c', command], {
        cwd,
        ...(env && { env }),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      // Node reports a missing shell as an 'error' event, but throws for others: a configured
      // shell path past the system's limit (ENAMETOOLONG), a command past the argument size
      // limit (E2BIG). Both are answered the same way: the command ran, and failed, with why.
      const text = error instanceof Error ? error.message : String(error);
      resolve({ text, tail: text, exitCode: null, signal: null, timedOut: false, aborted });
      return;
    }
    const killGroup = () => {
      if (child.pid === undefined || child.exitCode !== null) return;
      signalGroup(child.pid, 'SIGTERM');
      setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), KILL_GRACE_MS).unref();
    };
    const append = (chunk: Buffer) => {
      output.append(chunk.toString('utf8'));
      onOutput(output.tail);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (aborted) killGroup();
    child.on('error', (error) => output.append(`\n${error.message}`));
    child.on('exit', () => {
      // The shell may exit while its background children live on, holding the output pipes
      // open (and so the call, until they end): stop the group as soon as the shell is done.
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    });
    child.on('close', (exitCode, exitSignal) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      const { text } = truncateOutput(output.head, MAX_TOOL_OUTPUT_CHARS, output.length);
      resolve({ text, tail: output.tail, exitCode, signal: exitSignal, timedOut, aborted });
    });
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * What is kept of a command's output, however much it prints (a runaway command may write
 * gigabytes before its timeout): the start, which the model reads, and the end, which the part
 * shows live; what lies between is only counted.
 */
class CommandOutput {
  head = '';
  tail = '';
  length = 0;

  append(text: string): void {
    this.length += text.length;
    if (this.head.length <= MAX_TOOL_OUTPUT_CHARS) {
      this.head += text.slice(0, MAX_TOOL_OUTPUT_CHARS + 1 - this.head.length);
    }
    const joined = this.tail + text;
    this.tail = joined.length > OUTPUT_TAIL_CHARS ? joined.slice(-OUTPUT_TAIL_CHARS) : joined;
  }
}
