import { z } from 'zod';
import type { Instance } from '../../core/instance/instance';
import { OUTPUT_TAIL_CHARS, resolveShell, runShell } from '../../core/shell';
import { defineTool, ToolExecutionError } from '../tool.types';
import { alwaysPattern, splitCommands } from './shell-command';

const DEFAULT_TIMEOUT_MS = 2 * 60_000;
const MAX_TIMEOUT_MS = 10 * 60_000;

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

export interface BashToolDeps {
  /** The config's `shell` for the instance, if any. */
  configuredShell(instance: Instance): Promise<string | undefined>;
  /** The command's environment: the server's with the plugins' `shell.env` over it. */
  shellEnv(
    instance: Instance,
    input: { cwd: string; sessionID: string; callID: string },
  ): Promise<Record<string, string | undefined>>;
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
      `Output past ${OUTPUT_TAIL_CHARS} characters is cut. Commands time out after two minutes unless a`,
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
        await deps.shellEnv(context.instance, {
          cwd: context.instance.directory,
          sessionID: context.sessionID,
          callID: context.callID,
        }),
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
