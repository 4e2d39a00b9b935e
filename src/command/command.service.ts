import { Injectable } from '@nestjs/common';
import { dirname } from 'node:path';
import { ConfigService } from '../config/config.service';
import type { CommandConfig } from '../config/config.schema';
import { NotFoundError } from '../core/errors/named-error';
import type { Instance } from '../core/instance/instance';
import { SkillService } from '../skill/skill.service';
import { BUILT_IN_LOCATION, type SkillInfo } from '../skill/skill.types';
import { INIT_TEMPLATE, REVIEW_TEMPLATE } from './command.prompts';
import { renderTemplate, templateHints } from './command.template';
import { parseModelRef } from '../provider/provider.types';
import type { CommandInfo, CommandV2Info } from './command.types';

/**
 * Slash commands: the built-ins (`init`, `review`, as the reference), then the config's `command`
 * section and command markdown files (loaded into it by the config service), which may replace a
 * built-in of the same name, then every skill whose name no command has taken.
 */
@Injectable()
export class CommandService {
  constructor(
    private readonly config: ConfigService,
    private readonly skills: SkillService,
  ) {}

  async list(instance: Instance): Promise<CommandInfo[]> {
    return Object.values(await this.commands(instance));
  }

  /**
   * The commands as the v2 API lists them: the built-ins and the configured ones (skills and MCP
   * prompts are not among them there), `model` split into a reference with the command's
   * `variant`.
   */
  async listV2(instance: Instance): Promise<CommandV2Info[]> {
    const config = await this.config.get(instance);
    const commands = Object.values(await this.commands(instance));
    return commands
      .filter((command) => command.source === 'command')
      .map((command) => {
        const variant = config.command[command.name]?.variant;
        const model = command.model === undefined ? undefined : parseModelRef(command.model);
        return {
          name: command.name,
          template: command.template,
          ...(command.description !== undefined && { description: command.description }),
          ...(command.agent !== undefined && { agent: command.agent }),
          ...(model && {
            model: {
              id: model.modelID,
              providerID: model.providerID,
              ...(variant !== undefined && { variant }),
            },
          }),
          ...(command.subtask !== undefined && { subtask: command.subtask }),
        };
      });
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
    for (const skill of await this.skills.list(instance)) {
      if (!Object.hasOwn(commands, skill.name)) commands[skill.name] = skillCommand(skill);
    }
    return commands;
  }
}

/**
 * A skill run as a slash command, as the reference lists it: its content is the prompt, followed
 * by where its files are (a built-in skill has no folder). `hints` stays empty, as there.
 */
function skillCommand(skill: SkillInfo): CommandInfo {
  const template =
    skill.location === BUILT_IN_LOCATION
      ? skill.content
      : [
          skill.content,
          '',
          `Base directory for this skill: ${dirname(skill.location)}`,
          'Relative paths in this skill (e.g. scripts/, references/) start from this directory.',
        ].join('\n');
  return {
    name: skill.name,
    ...(skill.description !== undefined && { description: skill.description }),
    source: 'skill',
    template,
    hints: [],
  };
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
