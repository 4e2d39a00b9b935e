import { Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import type { CommandConfig } from '../config/config.schema';
import { NotFoundError } from '../core/errors/named-error';
import type { Instance } from '../core/instance/instance';
import { INIT_TEMPLATE, REVIEW_TEMPLATE } from './command.prompts';
import { renderTemplate, templateHints } from './command.template';
import type { CommandInfo } from './command.types';

/**
 * Slash commands: the built-ins (`init`, `review`, as the reference), then the config's `command`
 * section and command markdown files (loaded into it by the config service), which may replace a
 * built-in of the same name.
 */
@Injectable()
export class CommandService {
  constructor(private readonly config: ConfigService) {}

  async list(instance: Instance): Promise<CommandInfo[]> {
    return Object.values(await this.commands(instance));
  }

  /** The command named `name`; throws `NotFoundError` (404) when there is none. */
  async get(instance: Instance, name: string): Promise<CommandInfo> {
    const command = await this.find(instance, name);
    if (!command) throw new NotFoundError(`Command not found: ${name}`);
    return command;
  }

  async find(instance: Instance, name: string): Promise<CommandInfo | undefined> {
    const commands = await this.commands(instance);
    return Object.hasOwn(commands, name) ? commands[name] : undefined;
  }

  /** The prompt of `command` run with the arguments typed after it (see `renderTemplate`). */
  render(command: Pick<CommandInfo, 'template'>, argumentsText: string): string {
    return renderTemplate(command.template, argumentsText);
  }

  private async commands(instance: Instance): Promise<Record<string, CommandInfo>> {
    const config = await this.config.get(instance);
    const builtIn = (name: string, description: string, template: string, subtask?: boolean) =>
      toCommand(name, {
        description,
        template: template.replaceAll('{{worktree}}', instance.worktree),
        ...(subtask && { subtask }),
      });
    const commands: Record<string, CommandInfo> = {
      init: builtIn('init', 'create/update AGENTS.md', INIT_TEMPLATE),
      review: builtIn(
        'review',
        'review changes [commit|branch|pr], defaults to uncommitted',
        REVIEW_TEMPLATE,
        true,
      ),
    };
    for (const [name, command] of Object.entries(config.command)) {
      commands[name] = toCommand(name, command);
    }
    return commands;
  }
}

function toCommand(name: string, command: CommandConfig): CommandInfo {
  return {
    name,
    ...(command.description !== undefined && { description: command.description }),
    ...(command.agent !== undefined && { agent: command.agent }),
    ...(command.model !== undefined && { model: command.model }),
    source: 'command',
    template: command.template,
    ...(command.subtask !== undefined && { subtask: command.subtask }),
    hints: templateHints(command.template),
  };
}
