import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { BusEnvelope } from '../core/bus/bus-event';
import { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import type { Instance } from '../core/instance/instance';
import { PluginHooks } from '../core/plugin/plugin-hooks';
import { AgentService } from '../agent/agent.service';
import { ConfigService } from '../config/config.service';
import { FormatterService } from '../formatter/formatter.service';
import { LspService } from '../lsp/lsp.service';
import { evaluate, type PermissionRule } from '../permission/permission-rules';
import { QuestionService } from '../question/question.service';
import { TodoService } from '../session/todo.service';
import { SkillService } from '../skill/skill.service';
import { CustomToolService } from './custom/custom-tool.service';
import { FileReadTracker } from './file-access';
import { applyDefinitionHooks, toolJsonSchema } from './tool-definition-hook';
import { createBashTool } from './tools/bash.tool';
import { createEditTool } from './tools/edit.tool';
import { globTool } from './tools/glob.tool';
import { grepTool } from './tools/grep.tool';
import { listTool } from './tools/list.tool';
import { createReadTool } from './tools/read.tool';
import { createSkillTool } from './tools/skill.tool';
import { createQuestionTool } from './tools/question.tool';
import { createTaskTool, type SubagentRunner } from './tools/task.tool';
import { createTodoTools } from './tools/todo.tool';
import { webfetchTool } from './tools/webfetch.tool';
import { createWriteTool } from './tools/write.tool';
import type { ToolDefinition, ToolResult } from './tool.types';

/** The permission that gates each tool, where it is not the tool's own id. */
const PERMISSION_OF_TOOL: Record<string, string> = { write: 'edit', todoread: 'todowrite' };

export interface ToolListItem {
  id: string;
  description: string;
  parameters: unknown;
}

/** Tools an instance has beyond the built-in and custom ones (its MCP servers'), found when asked. */
export type ToolSource = (instance: Instance) => Promise<ToolDefinition[]>;

/** An agent as far as tool selection is concerned. */
export interface ToolAgent {
  permission?: PermissionRule[];
}

/**
 * The built-in tools and which of them a turn may use. Tools that keep state (the read tracker
 * behind read-before-edit) are created once for the server; the `task` tool is built per turn,
 * since it lists the subagents of the instance.
 */
@Injectable()
export class ToolRegistryService {
  private readonly tracker = new FileReadTracker();
  private readonly fixedTools: ToolDefinition[];
  /** Runs the `task` tool's subagent sessions; handed over by the prompt module at start-up. */
  private subagentRunner?: SubagentRunner;
  private readonly sources: ToolSource[] = [];

  constructor(
    private readonly bus: BusService,
    private readonly todos: TodoService,
    private readonly agents: AgentService,
    private readonly formatter: FormatterService,
    private readonly lsp: LspService,
    private readonly config: ConfigService,
    private readonly skills: SkillService,
    private readonly questions: QuestionService,
    private readonly plugins: PluginHooks,
    private readonly env: AppEnvironment,
    private readonly custom: CustomToolService,
  ) {
    const deps = {
      tracker: this.tracker,
      formatFile: (instance: Instance, file: string) => this.formatter.formatFile(instance, file),
      checkFile: async (instance: Instance, file: string) => {
        await this.lsp.touchFile(instance, file, { waitForDiagnostics: true });
        return this.lsp.errorReport(instance, file);
      },
    };
    this.fixedTools = [
      createBashTool({
        configuredShell: async (instance) => (await this.config.get(instance)).shell,
        shellEnv: async (instance, input) => {
          const { env } = await this.plugins.trigger(instance, 'shell.env', input, {
            env: {},
          });
          return { ...this.env.variables, ...env };
        },
      }),
      createReadTool(deps),
      globTool,
      grepTool,
      listTool,
      createEditTool(deps),
      createWriteTool(deps),
      webfetchTool,
      ...createTodoTools(this.todos),
      createQuestionTool(this.questions),
    ] as ToolDefinition[];
  }

  /**
   * The ids of the instance's tools, as `GET /experimental/tool/ids` lists them: the built-ins,
   * then the custom ones (tool files, then plugins' `tool` hooks). MCP tools are not listed, as
   * in the reference.
   */
  async ids(instance: Instance): Promise<string[]> {
    const custom = await this.custom.tools(instance);
    return [...this.fixedTools.map((tool) => tool.id), 'task', 'skill', ...custom.map((t) => t.id)];
  }

  /**
   * Every tool of the instance: the built-ins, `task`, `skill`, the custom tools, then those of
   * the registered sources (the instance's MCP servers).
   */
  async all(instance: Instance): Promise<ToolDefinition[]> {
    return [
      ...this.fixedTools,
      await this.taskTool(instance),
      await this.skillTool(instance, []),
      ...(await this.custom.tools(instance)),
      ...(await this.sourcedTools(instance)),
    ];
  }

  /**
   * Tools with their JSON schemas, as `GET /experimental/tool` lists them: as plugins'
   * `tool.definition` hooks leave them, like the model gets them.
   */
  async describe(instance: Instance): Promise<ToolListItem[]> {
    const tools = await applyDefinitionHooks(this.plugins, instance, await this.all(instance));
    return tools.map((tool) => ({
      id: tool.id,
      description: tool.description,
      parameters: toolJsonSchema(tool),
    }));
  }

  /**
   * The tools of a turn: those the agent's rules do not deny outright, minus those the prompt
   * switched off (`tools: { bash: false }`); `task` only when the turn may start subagents
   * (`delegate`: its session is nested less deep than config `subagent_depth` allows). Plugins'
   * `tool.definition` hooks run on the tools kept, once per turn.
   */
  async toolsFor(
    instance: Instance,
    agent: ToolAgent,
    switches: Record<string, boolean> = {},
    delegate = true,
  ): Promise<ToolDefinition[]> {
    const rules = agent.permission ?? [];
    const tools = [
      ...this.fixedTools,
      ...(delegate ? [await this.taskTool(instance)] : []),
      await this.skillTool(instance, rules),
      ...(await this.custom.tools(instance)),
      ...(await this.sourcedTools(instance)),
    ];
    const kept = tools.filter((tool) => {
      if (switches[tool.id] === false) return false;
      const permission = PERMISSION_OF_TOOL[tool.id] ?? tool.id;
      const scoped = rules.filter(
        (rule) => rule.permission === permission || rule.permission === '*',
      );
      const allowsSome = scoped.some((rule) => rule.action !== 'deny' && rule.pattern !== '*');
      return allowsSome || evaluate(rules, permission, '*') !== 'deny';
    });
    return applyDefinitionHooks(this.plugins, instance, kept);
  }

  /**
   * What the read tool answers for `file`, run for the user rather than the model (a text file
   * attached to a prompt): nothing is asked, since the prompt already passed the project jail,
   * and the file counts as read for the session, so the model may edit it without reading again.
   */
  async readForUser(
    target: { instance: Instance; sessionID: string; messageID: string },
    file: string,
  ): Promise<string> {
    const read = this.fixedTools.find((tool) => tool.id === 'read')!;
    const result = await read.execute(
      { filePath: file },
      {
        ...target,
        callID: '',
        agent: '',
        abort: new AbortController().signal,
        ask: () => Promise.resolve(),
        progress: () => undefined,
      },
    );
    return result.output;
  }

  /**
   * Hands over what runs the `task` tool's subagents: the prompt module, which sits above this
   * registry (its agent loop uses the registry), registers it once its providers exist.
   */
  registerSubagentRunner(runner: SubagentRunner): void {
    this.subagentRunner = runner;
  }

  /**
   * Adds tools that come from elsewhere (the MCP module registers its servers' tools at start-up),
   * listed after the built-in ones in the order the sources were registered. The registry stays
   * below its sources: it never imports them.
   */
  registerSource(source: ToolSource): void {
    this.sources.push(source);
  }

  private async sourcedTools(instance: Instance): Promise<ToolDefinition[]> {
    const lists = await Promise.all(this.sources.map((source) => source(instance)));
    return lists.flat();
  }

  /** Side effects of a finished tool that other areas care about. */
  afterExecution(instance: Instance, toolID: string, result: ToolResult): void {
    const file = result.metadata.filepath;
    // The tool itself has shown the file to the language servers (its errors are in its output).
    if ((toolID === 'write' || toolID === 'edit') && typeof file === 'string') {
      this.bus.publish(instance, 'file.edited', { file });
    }
  }

  /** Forgets what a deleted session read. */
  @OnEvent('session.deleted')
  forgetSession({ payload }: BusEnvelope<'session.deleted'>): void {
    this.tracker.forgetSession(payload.properties.sessionID);
  }

  /** `skill`, offering the skills the agent's `rules` do not deny. */
  private async skillTool(instance: Instance, rules: PermissionRule[]): Promise<ToolDefinition> {
    return createSkillTool(await this.skills.available(instance, rules), this.skills);
  }

  private async taskTool(instance: Instance): Promise<ToolDefinition> {
    const agents = await this.agents.list(instance);
    const subagents = agents
      .filter((agent) => agent.mode !== 'primary' && !agent.hidden)
      .map((agent) => ({
        name: agent.name,
        ...(agent.description && { description: agent.description }),
      }));
    const runner: SubagentRunner = {
      runSubtask: (context, request) => {
        if (!this.subagentRunner) throw new Error('No subagent runner is registered');
        return this.subagentRunner.runSubtask(context, request);
      },
    };
    return createTaskTool(runner, subagents);
  }
}
