import { Controller, Get } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { AgentService } from './agent.service';
import type { AgentInfo } from './agent.types';
import { AgentDto } from './dto/agent.dto';

@Controller('agent')
export class AgentController {
  constructor(private readonly agents: AgentService) {}

  @Get()
  @Endpoint({
    operationId: 'app.agents',
    tag: 'instance',
    summary: 'List agents',
    description: 'Get a list of all available AI agents in the OpenCode system.',
    response: [AgentDto],
    responseDescription: 'List of agents',
  })
  list(@CurrentInstance() instance: Instance): Promise<AgentInfo[]> {
    return this.agents.list(instance);
  }
}
