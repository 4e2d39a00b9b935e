import { Injectable, Logger } from '@nestjs/common';
import { join } from 'node:path';
import { fetchErrorMessage } from '../core/errors/error-message';
import { AppEnvironment } from '../core/config/app-environment';
import type { Instance } from '../core/instance/instance';
import { ConfigService } from '../config/config.service';
import {
  fetchInstructionUrl,
  findInstructionFiles,
  type Instruction,
  InstructionUrlCache,
  instructionsSection,
  isInstructionUrl,
} from './instructions';
import { BASE_PROMPT, environmentSection } from './system-prompt';

/** Per instance: the config's instruction URLs, fetched at most once a while. */
const INSTRUCTION_URLS = Symbol('agent-loop.instruction-urls');

export interface SystemPromptOptions {
  /** The agent's own prompt; replaces the base prompt when set. */
  agentPrompt?: string;
  /** `provider/model`, for the environment facts. */
  model: string;
  /** The prompt's own `system` text. */
  extra?: string;
}

/**
 * The system messages of a turn: the agent's instructions, facts about the environment, and the
 * project's instructions (`AGENTS.md`, `CLAUDE.md`, global ones, config `instructions` files,
 * globs and URLs).
 */
@Injectable()
export class SystemPromptService {
  private readonly logger = new Logger('SystemPrompt');

  constructor(
    private readonly env: AppEnvironment,
    private readonly config: ConfigService,
  ) {}

  async build(instance: Instance, options: SystemPromptOptions): Promise<string[]> {
    const config = await this.config.get(instance);
    const configured = config.instructions ?? [];
    const [files, fetched] = await Promise.all([
      findInstructionFiles({
        directory: instance.directory,
        worktree: instance.worktree,
        home: this.env.paths.home,
        globalFiles: [
          join(this.env.paths.config, 'AGENTS.md'),
          join(this.env.paths.home, '.claude', 'CLAUDE.md'),
        ],
        configured,
      }),
      this.fetchInstructionUrls(instance, configured.filter(isInstructionUrl)),
    ]);
    const environment = environmentSection({
      directory: instance.directory,
      worktree: instance.worktree,
      isGitRepository: instance.project.vcs === 'git',
      platform: process.platform,
      date: new Date(),
      model: options.model,
    });
    return [
      options.agentPrompt?.trim() || BASE_PROMPT,
      environment,
      ...instructionsSection([...files, ...fetched]),
      ...(options.extra ? [options.extra] : []),
    ];
  }

  /**
   * The text of each instruction URL, from the instance's cache. A URL that cannot be fetched is
   * left out with a warning: instructions are a help, never a reason to fail the turn.
   */
  private async fetchInstructionUrls(instance: Instance, urls: string[]): Promise<Instruction[]> {
    if (urls.length === 0) return [];
    const cache = instance.getOrCreate(
      INSTRUCTION_URLS,
      () =>
        new InstructionUrlCache((url) =>
          fetchInstructionUrl(url, instance.signal).catch((error: unknown) => {
            this.logger.warn(
              `Instructions from ${urlForLog(url)} left out: ${fetchErrorMessage(error)}`,
            );
            return undefined;
          }),
        ),
    );
    const unique = [...new Set(urls)];
    const contents = await Promise.all(unique.map((url) => cache.get(url)));
    return unique.flatMap((url, i) => {
      const content = contents[i];
      return content?.trim() ? [{ source: url, content }] : [];
    });
  }
}

/** The URL without credentials or query string, which may carry tokens. */
function urlForLog(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(an invalid URL)';
  }
}
