import { Injectable } from '@nestjs/common';
import { AgentService } from '../../agent/agent.service';
import type { AgentInfo } from '../../agent/agent.types';
import type { Instance } from '../../core/instance/instance';
import type { AgentV2InfoDto } from './dto/agent-v2.dto';

/**
 * The agents of a location in the v2 shape: the same agents the classic `GET /agent` and the
 * agent loop use (built-ins, config, markdown files), one place deciding what they are.
 */
@Injectable()
export class AgentV2Service {
  constructor(private readonly agents: AgentService) {}

  async list(instance: Instance): Promise<AgentV2InfoDto[]> {
    return (await this.agents.list(instance)).map(toAgentV2);
  }
}

/**
 * The v2 view of an agent. As in the reference, the model call settings (provider options,
 * `temperature`, `top_p`) travel in `request.body`. Deliberate difference: `permissions` are the
 * rules the agent is actually checked against (defaults, config, its own), where the reference's
 * v2 view leaves the defaults out for agents defined in config.
 */
export function toAgentV2(agent: AgentInfo): AgentV2InfoDto {
  return {
    id: agent.name,
    ...(agent.model && {
      model: {
        id: agent.model.modelID,
        providerID: agent.model.providerID,
        ...(agent.variant !== undefined && { variant: agent.variant }),
      },
    }),
    request: {
      headers: {},
      body: {
        ...agent.options,
        ...(agent.temperature !== undefined && { temperature: agent.temperature }),
        ...(agent.topP !== undefined && { top_p: agent.topP }),
      },
    },
    ...(agent.prompt !== undefined && { system: agent.prompt }),
    ...(agent.description !== undefined && { description: agent.description }),
    mode: agent.mode,
    hidden: agent.hidden ?? false,
    ...(agent.color !== undefined && { color: agent.color }),
    ...(agent.steps !== undefined && { steps: agent.steps }),
    permissions: agent.permission.map((rule) => ({
      action: rule.permission,
      resource: rule.pattern,
      effect: rule.action,
    })),
  };
}
