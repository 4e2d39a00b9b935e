import { Injectable, Logger } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { extname, isAbsolute, relative } from 'node:path';
import { ConfigService } from '../config/config.service';
import type { Config } from '../config/config.schema';
import { AppEnvironment } from '../core/config/app-environment';
import type { Instance } from '../core/instance/instance';
import type { FormatterStatusDto } from './dto/formatter-status.dto';
import {
  resolveFormatters,
  type FormatterContext,
  type FormatterDefinition,
  type FormatterSet,
} from './formatters';

const FORMATTER_STATE = Symbol('formatter');
/** A formatter that has not finished by then is killed (a hung tool must not hold the turn). */
const FORMAT_TIMEOUT_MS = 10_000;
/** How much of a failing formatter's stderr reaches the log. */
const STDERR_LOG_LIMIT = 2000;

/** One instance's formatters for one version of its config. */
class FormatterState {
  /** Availability checks, each run once (they look for binaries, read package.json files). */
  private readonly commands = new Map<string, Promise<string[] | false>>();
  /** The run in progress per file: two edits in a row must not format the file concurrently. */
  private readonly running = new Map<string, Promise<boolean>>();

  constructor(
    readonly config: Config,
    readonly formatters: FormatterSet,
    private readonly context: FormatterContext,
  ) {}

  command(formatter: FormatterDefinition): Promise<string[] | false> {
    let command = this.commands.get(formatter.name);
    if (!command) {
      command = formatter.command(this.context).catch(() => false as const);
      this.commands.set(formatter.name, command);
    }
    return command;
  }

  serialize(file: string, run: () => Promise<boolean>): Promise<boolean> {
    const previous = this.running.get(file) ?? Promise.resolve(true);
    const next = previous.then(run, run);
    this.running.set(file, next);
    void next.finally(() => {
      if (this.running.get(file) === next) this.running.delete(file);
    });
    return next;
  }
}

/**
 * The formatters of a project (built-ins whose binary is found, plus those the `formatter` config
 * defines), and formatting a file with the one that handles its extension. Availability is
 * checked once per instance and config version: a config change is picked up on the next call.
 */
@Injectable()
export class FormatterService {
  private readonly logger = new Logger('Formatter');

  constructor(
    private readonly config: ConfigService,
    private readonly env: AppEnvironment,
  ) {}

  /** Every configured formatter with whether it can run for this project. */
  async status(instance: Instance): Promise<FormatterStatusDto[]> {
    const state = await this.state(instance);
    return Promise.all(
      state.formatters.listed.map(async (formatter) => ({
        name: formatter.name,
        extensions: formatter.extensions,
        enabled: (await state.command(formatter)) !== false,
      })),
    );
  }

  /**
   * Formats `file` (absolute) in place with the first enabled formatter for its extension
   * (a formatter the config names first, then the built-ins). Answers whether a formatter ran and
   * succeeded. Never throws: a missing formatter, a failing or hung one, a broken config are
   * logged and answered `false`, since formatting is a courtesy after a write, not part of it.
   * The reference runs every matching formatter in turn; one is enough and avoids two tools
   * fighting over the same file (prettier and biome both claim `.ts`).
   */
  async formatFile(instance: Instance, file: string): Promise<boolean> {
    try {
      if (!isAbsolute(file)) {
        this.logger.warn(`not formatting ${file}: the path must be absolute`);
        return false;
      }
      const state = await this.state(instance);
      const extension = extname(file);
      for (const formatter of state.formatters.preferred) {
        if (!formatter.extensions.includes(extension)) continue;
        const command = await state.command(formatter);
        if (!command) continue;
        return await state.serialize(file, () => this.run(instance, formatter, command, file));
      }
      return false;
    } catch (error) {
      this.logger.warn(`not formatting ${file}: ${String(error)}`);
      return false;
    }
  }

  private async state(instance: Instance): Promise<FormatterState> {
    const config = await this.config.get(instance);
    const holder = instance.getOrCreate(FORMATTER_STATE, () => ({
      current: undefined as FormatterState | undefined,
    }));
    // The config service answers the same object until a config source changes.
    if (holder.current?.config !== config) {
      holder.current = new FormatterState(config, resolveFormatters(config.formatter), {
        directory: instance.directory,
        worktree: instance.worktree,
        path: this.env.variables.PATH,
        env: { ...this.env.variables },
      });
    }
    return holder.current;
  }

  /** Runs one formatter on one file; true when it exited with 0 in time. */
  private run(
    instance: Instance,
    formatter: FormatterDefinition,
    command: string[],
    file: string,
  ): Promise<boolean> {
    const [binary, ...args] = command.map((part) => part.split('$FILE').join(file));
    const shown = relative(instance.directory, file) || file;
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn(binary, args, {
        cwd: instance.directory,
        env: { ...this.env.variables, ...formatter.environment },
        stdio: ['ignore', 'ignore', 'pipe'],
        // Its own process group, so a wrapper's children die with it on timeout.
        detached: true,
      });
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        if (stderr.length < STDERR_LOG_LIMIT) stderr += chunk;
      });
      let outcome: 'timeout' | 'disposed' | undefined;
      const kill = (why: 'timeout' | 'disposed') => {
        outcome = why;
        killGroup(child.pid);
      };
      const timer = setTimeout(() => kill('timeout'), FORMAT_TIMEOUT_MS);
      const onAbort = () => kill('disposed');
      instance.signal.addEventListener('abort', onAbort, { once: true });
      let finished = false;
      const finish = (ok: boolean, message?: string) => {
        // A process that fails to start reports both `error` and `close`.
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        instance.signal.removeEventListener('abort', onAbort);
        if (message) this.logger.warn(`${formatter.name} on ${shown}: ${message}`);
        else
          this.logger.debug(`${formatter.name} formatted ${shown} in ${Date.now() - started} ms`);
        resolve(ok);
      };
      child.once('error', (error) => finish(false, `could not start: ${error.message}`));
      child.once('close', (code, signal) => {
        if (outcome === 'timeout') return finish(false, `killed after ${FORMAT_TIMEOUT_MS} ms`);
        if (outcome === 'disposed') return finish(false, 'stopped: the instance was disposed');
        if (code === 0) return finish(true);
        const detail = stderr.trim().slice(0, STDERR_LOG_LIMIT);
        finish(false, `exited with ${code ?? signal}${detail ? `: ${detail}` : ''}`);
      });
    });
  }
}

/** Kills a detached child's whole process group; gone already is fine. */
function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Exited between the timer and now.
  }
}
