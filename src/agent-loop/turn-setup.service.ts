import { Injectable } from '@nestjs/common';
import type { Instance } from '../core/instance/instance';
import { AgentService } from '../agent/agent.service';
import { ConfigService } from '../config/config.service';
import { ProviderService } from '../provider/provider.service';
import type { UserMessage } from '../session/dto/message.dto';
import { SessionService } from '../session/session.service';
import { DEFAULT_TOOL_OUTPUT_LIMIT } from '../tool/tool-output-limit';
import { ToolRegistryService } from '../tool/tool-registry.service';
import { SystemPromptService } from './system-prompt.service';
import type { TurnSetup } from './turn.types';

/** Steps of one turn when the agent sets no limit. */
const DEFAULT_MAX_STEPS = 100;
/** Nesting below which a session's turns may start subagents: root sessions only. */
const DEFAULT_SUBAGENT_DEPTH = 1;

/**
 * Resolves what a turn runs with, once, before its first step: the prompt's agent and model, the
 * config that shapes the loop, the permission rules, the tools and the system prompt. Throws when
 * the agent or model is gone since the prompt was accepted.
 */
@Injectable()
export class TurnSetupService {
  constructor(
    private readonly agents: AgentService,
    private readonly providers: ProviderService,
    private readonly config: ConfigService,
    private readonly sessions: SessionService,
    private readonly toolRegistry: ToolRegistryService,
    private readonly systemPrompts: SystemPromptService,
  ) {}

  async prepare(instance: Instance, user: UserMessage, signal: AbortSignal): Promise<TurnSetup> {
    const agent = await this.agents.get(instance, user.agent);
    const resolved = await this.providers.getModel(
      instance,
      user.model.providerID,
      user.model.modelID,
    );
    const config = await this.config.get(instance);
    const { compaction, tool_output: toolOutput } = config;
    // Subagents start no subagents of their own unless config `subagent_depth` allows deeper.
    const delegate =
      this.sessions.depth(user.sessionID) < (config.subagent_depth ?? DEFAULT_SUBAGENT_DEPTH);
    // The session's own rules (a client denies `question` for sessions nobody can answer) come
    // after the agent's, so they win, as the reference merges them.
    const session = this.sessions.get(user.sessionID);
    const rules = [...(agent.permission ?? []), ...(session.permission ?? [])];
    const tools = await this.toolRegistry.toolsFor(
      instance,
      { permission: rules },
      user.tools,
      delegate,
    );
    const system = await this.systemPrompts.build(instance, {
      agentPrompt: agent.prompt,
      model: `${user.model.providerID}/${user.model.modelID}`,
      extra: user.system,
    });
    return {
      instance,
      user,
      agentName: agent.name,
      language: resolved.language,
      call: {
        model: resolved.model,
        providerOptions: resolved.provider.options,
        sessionID: user.sessionID,
        requestID: user.id,
        agent: agent.name,
        ...(session.parentID && { parentSessionID: session.parentID }),
        ...(user.model.variant !== undefined && { variant: user.model.variant }),
        agentOptions: agent.options,
      },
      prices: resolved.model.cost,
      limit: resolved.model.limit,
      compaction: {
        auto: compaction?.auto ?? true,
        prune: compaction?.prune ?? true,
        reserved: compaction?.reserved,
      },
      toolOutput: {
        maxLines: toolOutput?.max_lines ?? DEFAULT_TOOL_OUTPUT_LIMIT.maxLines,
        maxBytes: toolOutput?.max_bytes ?? DEFAULT_TOOL_OUTPUT_LIMIT.maxBytes,
      },
      continueOnReject: config.experimental?.continue_loop_on_deny ?? false,
      rejected: false,
      system,
      rules,
      tools,
      maxSteps: agent.steps ?? DEFAULT_MAX_STEPS,
      ...(agent.temperature !== undefined && { temperature: agent.temperature }),
      ...(agent.topP !== undefined && { topP: agent.topP }),
      signal,
    };
  }
}
