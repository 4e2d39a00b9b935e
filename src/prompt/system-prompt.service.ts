import { Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { AppEnvironment } from '../core/config/app-environment';
import type { Instance } from '../core/instance/instance';
import { ConfigService } from '../config/config.service';
import {
  BASE_PROMPT,
  environmentSection,
  findInstructionFiles,
  instructionsSection,
} from './system-prompt';

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
 * project's instruction files (`AGENTS.md`, `CLAUDE.md`, global ones, config `instructions`).
 */
@Injectable()
export class SystemPromptService {
  constructor(
    private readonly env: AppEnvironment,
    private readonly config: ConfigService,
  ) {}

  async build(instance: Instance, options: SystemPromptOptions): Promise<string[]> {
    const config = await this.config.get(instance);
    const files = await findInstructionFiles({
      directory: instance.directory,
      worktree: instance.worktree,
      globalFiles: [
        join(this.env.paths.config, 'AGENTS.md'),
        join(this.env.paths.home, '.claude', 'CLAUDE.md'),
      ],
      configured: config.instructions ?? [],
    });
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
      ...instructionsSection(files),
      ...(options.extra ? [options.extra] : []),
    ];
  }
}
