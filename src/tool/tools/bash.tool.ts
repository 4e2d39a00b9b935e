import { spawn } from 'node:child_process';
import { z } from 'zod';
import {
  defineTool,
  MAX_TOOL_OUTPUT_CHARS,
  ToolExecutionError,
  truncateOutput,
} from '../tool.types';
import type { Instance } from '../../core/instance/instance';
import { alwaysPattern, splitCommands } from './shell-command';

const DEFAULT_TIMEOUT_MS = 2 * 60_000;
const MAX_TIMEOUT_MS = 10 * 60_000;
/** How much of the live output rides along in the part's metadata while the command runs. */
const METADATA_OUTPUT_CHARS = 30_000;
/** Time a process group gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 500;

const parameters = z.object({
  command: z.string().min(1).describe('The shell command to run'),
  timeout: z
    .number()
    .int()
    .positive()
    .max(MAX_TIMEOUT_MS)
    .optional()
    .describe(`Timeout in milliseconds (default ${DEFAULT_TIMEOUT_MS}, at most ${MAX_TIMEOUT_MS})`),
  description: z
    .string()
    .optional()
    .describe('What the command does, in 5-10 words (shown to the user), e.g. "List files in src"'),
});

/** Shells whose `-c` does not take a POSIX command line: the tool falls back to bash. */
const NON_POSIX_SHELLS = new Set(['fish', 'nu', 'nushell', 'pwsh', 'powershell', 'cmd', 'elvish']);

/** The shell commands run with: config `shell` when it speaks POSIX `-c`, else bash. */
export function resolveShell(configured: string | undefined): string {
  const shell = configured?.trim();
  if (!shell) return 'bash';
  const name = (shell.split(/[\\/]/).pop() ?? shell).replace(/\.exe$/i, '').toLowerCase();
  return NON_POSIX_SHELLS.has(name) ? 'bash' : shell;
}

export interface BashToolDeps {
  /** The config's `shell` for the instance, if any. */
  configuredShell(instance: Instance): Promise<string | undefined>;
}

export const createBashTool = (deps: BashToolDeps) =>
  defineTool({
    id: 'bash',
    description: [
      'Runs a command in a bash shell in the project directory and returns its combined stdout and stderr.',
      'Use it for builds, tests, git and other terminal work; prefer the read, list, glob, grep, edit and write',
      'tools for looking at and changing files. Commands run non-interactively: pass flags such as --yes where',
      'a program would prompt. Quote paths that contain spaces. Each call starts a fresh shell in the project',
      'directory, so chain dependent steps with && rather than relying on `cd` from an earlier call.',
      `Output past ${METADATA_OUTPUT_CHARS} characters is cut. Commands time out after two minutes unless a`,
      'timeout is given.',
    ].join(' '),
    parameters,
    async execute(input, context) {
      const commands = splitCommands(input.command);
      await context.ask({
        permission: 'bash',
        patterns: commands,
        always: [...new Set(commands.map(alwaysPattern))],
        metadata: {
          command: input.command,
          ...(input.description && { description: input.description }),
        },
      });
      const timeoutMs = Math.min(input.timeout ?? DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS);
      const title = input.description ?? input.command;
      const run = await runShell(
        input.command,
        context.instance.directory,
        timeoutMs,
        context.abort,
        (output) =>
          context.progress({ title, metadata: { output, description: input.description } }),
        resolveShell(await deps.configuredShell(context.instance)),
      );
      if (run.aborted) throw new ToolExecutionError('Command aborted');
      const notes: string[] = [];
      if (run.timedOut) notes.push(`The command was stopped after ${timeoutMs} ms (timeout).`);
      if (run.exitCode !== 0 && run.exitCode !== null) notes.push(`Exit code: ${run.exitCode}`);
      if (run.signal && !run.timedOut) notes.push(`Terminated by signal ${run.signal}`);
      const text = run.text || '(no output)';
      return {
        title,
        output: notes.length
          ? `${text}\n\n<bash_metadata>\n${notes.join('\n')}\n</bash_metadata>`
          : text,
        metadata: { output: run.tail, exit: run.exitCode, description: input.description },
      };
    },
  });

interface ShellRun {
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
): Promise<ShellRun> {
  return new Promise((resolve) => {
    const output = new CommandOutput();
    let timedOut = false;
    let aborted = signal.aborted;
    const child = spawn(shell, ['-c', command], {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    this.tail =
      joined.length > METADATA_OUTPUT_CHARS ? joined.slice(-METADATA_OUTPUT_CHARS) : joined;
  }
}
