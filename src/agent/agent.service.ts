import { Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import type { AgentConfig, Config, PermissionConfig } from '../config/config.schema';
import { AppEnvironment } from '../core/config/app-environment';
import { BadRequestError, NotFoundError } from '../core/errors/named-error';
import type { Instance } from '../core/instance/instance';
import { parseModelRef } from '../provider/provider.types';
import { PermissionRule, permissionFromTools, rulesFromConfig } from './agent-permissions';
import {
  BUILD_PROMPT,
  COMPACTION_PROMPT,
  EXPLORE_PROMPT,
  GENERAL_PROMPT,
  PLAN_PROMPT,
  SUMMARY_PROMPT,
  TITLE_PROMPT,
} from './agent.prompts';
import type { AgentInfo } from './agent.types';

const AGENTS_STATE = Symbol('agents');

/** The agent every session starts with unless the config says otherwise. */
export const DEFAULT_AGENT = 'build';

/**
 * What every agent starts from, as the reference: act freely, but ask before leaving the
 * project, repeating the same call, or reading `.env` files.
 */
const BASE_PERMISSION: PermissionConfig = {
  '*': 'allow',
  doom_loop: 'ask',
  external_directory: { '*': 'ask' },
  question: 'deny',
  plan_enter: 'deny',
  plan_exit: 'deny',
  read: { '*': 'allow', '*.env': 'ask', '*.env.*': 'ask', '*.env.example': 'allow' },
};

/** Shell commands the plan agent may run without asking: they only look. */
const READ_ONLY_COMMANDS = [
  'ls *',
  'pwd',
  'cat *',
  'head *',
  'tail *',
  'wc *',
  'tree *',
  'grep *',
  'rg *',
  'git status *',
  'git diff *',
  'git log *',
  'git show *',
  'git branch',
  'git blame *',
];

/** Keys of an agent's config that are settings; any other key is a model option. */
const AGENT_SETTINGS = new Set([
  'name',
  'model',
  'variant',
  'temperature',
  'top_p',
  'prompt',
  'tools',
  'disable',
  'description',
  'mode',
  'hidden',
  'options',
  'color',
  'steps',
  'maxSteps',
  'permission',
]);

/**
 * The agents of a project: the built-ins (`build`, `plan`, `general`, `explore`, and the hidden
 * `compaction`, `title`, `summary`, as the reference), changed or extended by the config's
 * `agent` (and legacy `mode`) section and by agent markdown files (which the config service
 * loads into `agent`). Computed once per config.
 */
@Injectable()
export class AgentService {
  constructor(
    private readonly config: ConfigService,
    private readonly env: AppEnvironment,
  ) {}

  /** Every agent, the default one first. */
  async list(instance: Instance): Promise<AgentInfo[]> {
    const config = await this.config.get(instance);
    const agents = Object.values(this.agents(instance, config));
    // The default agent first, the others by name, as the reference lists them.
    const first = config.default_agent ?? DEFAULT_AGENT;
    const others = agents
      .filter((a) => a.name !== first)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return [...agents.filter((a) => a.name === first), ...others];
  }

  /** The agent named `name`; throws `NotFoundError` (404) when there is none. */
  async get(instance: Instance, name: string): Promise<AgentInfo> {
    const agent = await this.find(instance, name);
    if (!agent) throw new NotFoundError(`Agent not found: ${name}`);
    return agent;
  }

  async find(instance: Instance, name: string): Promise<AgentInfo | undefined> {
    const agents = this.agents(instance, await this.config.get(instance));
    return Object.hasOwn(agents, name) ? agents[name] : undefined;
  }

  /**
   * The agent a prompt uses when it names none: config `default_agent` (which must be a visible
   * primary agent), else the first visible primary agent, as the reference.
   */
  async defaultAgent(instance: Instance): Promise<AgentInfo> {
    const config = await this.config.get(instance);
    const agents = this.agents(instance, config);
    if (config.default_agent) {
      const agent = agents[config.default_agent];
      const problem = !agent
        ? 'does not exist'
        : agent.mode === 'subagent'
          ? 'is a subagent'
          : agent.hidden
            ? 'is hidden'
            : undefined;
      if (!agent || problem) {
        throw new BadRequestError(
          `default_agent "${config.default_agent}" ${problem}`,
          undefined,
          'default_agent',
        );
      }
      return agent;
    }
    const agent = Object.values(agents).find((a) => a.mode !== 'subagent' && !a.hidden);
    if (!agent) throw new BadRequestError('No visible primary agent is configured');
    return agent;
  }

  private agents(instance: Instance, config: Config): Record<string, AgentInfo> {
    const state = instance.getOrCreate<{ config?: Config; agents?: Record<string, AgentInfo> }>(
      AGENTS_STATE,
      () => ({}),
    );
    if (!state.agents || state.config !== config) {
      state.config = config;
      state.agents = this.build(config);
    }
    return state.agents;
  }

  private build(config: Config): Record<string, AgentInfo> {
    const home = this.env.paths.home;
    const rules = (permission: PermissionConfig | undefined) => rulesFromConfig(permission, home);
    const base = rules(BASE_PERMISSION);
    // The config's own `permission`, with the legacy top-level `tools` switches underneath it.
    const user = [...rules(permissionFromTools(config.tools)), ...rules(config.permission)];
    const merge = (...sets: PermissionRule[][]) => sets.flat();
    const denyAll = rules({ '*': 'deny' });

    const agents: Record<string, AgentInfo> = {
      build: {
        name: 'build',
        description: 'The default agent. Executes tools based on configured permissions.',
        mode: 'primary',
        native: true,
        prompt: BUILD_PROMPT,
        permission: merge(base, rules({ question: 'allow', plan_enter: 'allow' }), user),
        options: {},
      },
      plan: {
        name: 'plan',
        description: 'Plan mode. Disallows all edit tools.',
        mode: 'primary',
        native: true,
        prompt: PLAN_PROMPT,
        permission: merge(
          base,
          rules({
            question: 'allow',
            plan_exit: 'allow',
            edit: { '*': 'deny', '.opencode/plans/*.md': 'allow' },
            bash: {
              '*': 'ask',
              ...Object.fromEntries(READ_ONLY_COMMANDS.map((command) => [command, 'allow'])),
            },
          }),
          user,
        ),
        options: {},
      },
      general: {
        name: 'general',
        description:
          'General-purpose agent for researching complex questions and executing multi-step tasks. Use this agent to execute multiple units of work in parallel.',
        mode: 'subagent',
        native: true,
        prompt: GENERAL_PROMPT,
        permission: merge(base, rules({ todoread: 'deny', todowrite: 'deny' }), user),
        options: {},
      },
      explore: {
        name: 'explore',
        description:
          'Fast agent specialized for exploring codebases. Use it to find files by patterns, search code for keywords, or answer questions about the codebase; say how thorough it should be ("quick", "medium" or "very thorough").',
        mode: 'subagent',
        native: true,
        prompt: EXPLORE_PROMPT,
        permission: merge(
          base,
          rules({
            '*': 'deny',
            grep: 'allow',
            glob: 'allow',
            list: 'allow',
            bash: 'allow',
            webfetch: 'allow',
            websearch: 'allow',
            codesearch: 'allow',
            read: 'allow',
          }),
          user,
        ),
        options: {},
      },
      compaction: hidden('compaction', COMPACTION_PROMPT, merge(base, denyAll, user)),
      title: { ...hidden('title', TITLE_PROMPT, merge(base, denyAll, user)), temperature: 0.5 },
      summary: hidden('summary', SUMMARY_PROMPT, merge(base, denyAll, user)),
    };

    // Legacy `mode` entries are primary agents; `agent` entries (and markdown files) come after.
    const configured: [string, AgentConfig][] = [
      ...Object.entries(config.mode).map(([name, agent]): [string, AgentConfig] => [
        name,
        { ...agent, mode: 'primary' },
      ]),
      ...Object.entries(config.agent),
    ];
    for (const [name, agentConfig] of configured) {
      if (agentConfig.disable) {
        delete agents[name];
        continue;
      }
      const agent = (agents[name] ??= {
        name,
        mode: 'all',
        native: false,
        permission: merge(base, user),
        options: {},
      });
      applyAgentConfig(agent, agentConfig, rules);
    }
    return agents;
  }
}

function hidden(name: string, prompt: string, permission: PermissionRule[]): AgentInfo {
  return { name, mode: 'primary', native: true, hidden: true, prompt, permission, options: {} };
}

/** Overlays one config entry on an agent, as the reference's agent state does. */
function applyAgentConfig(
  agent: AgentInfo,
  config: AgentConfig,
  rules: (permission: PermissionConfig | undefined) => PermissionRule[],
): void {
  if (config.model) agent.model = parseModelRef(config.model);
  if (config.variant !== undefined) agent.variant = config.variant;
  if (config.prompt !== undefined) agent.prompt = config.prompt;
  if (config.description !== undefined) agent.description = config.description;
  if (config.temperature !== undefined) agent.temperature = config.temperature;
  if (config.top_p !== undefined) agent.topP = config.top_p;
  if (config.mode !== undefined) agent.mode = config.mode;
  if (config.color !== undefined) agent.color = config.color;
  if (config.hidden !== undefined) agent.hidden = config.hidden;
  const steps = config.steps ?? config.maxSteps;
  if (steps !== undefined) agent.steps = steps;
  const extraOptions = Object.fromEntries(
    Object.entries(config).filter(([key]) => !AGENT_SETTINGS.has(key)),
  );
  agent.options = { ...agent.options, ...config.options, ...extraOptions };
  agent.permission = [
    ...agent.permission,
    ...rules(permissionFromTools(config.tools)),
    ...rules(config.permission),
  ];
}
