import { Get } from '@nestjs/common';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { CurrentLocation } from '../../core/http/request-context';
import { located, type Located, type RequestLocation } from '../../core/http/v2/request-location';
import { AgentV2Service } from './agent-v2.service';
import { AgentV2InfoDto } from './dto/agent-v2.dto';

@V2Controller('agent')
export class AgentV2Controller {
  constructor(private readonly agents: AgentV2Service) {}

  @Get()
  @V2Endpoint({
    operationId: 'v2.agent.list',
    tag: 'opencode HttpApi',
    summary: 'List agents',
    description: 'Retrieve currently registered agents.',
    response: { located: [AgentV2InfoDto] },
  })
  list(@CurrentLocation() location: RequestLocation): Promise<Located<AgentV2InfoDto[]>> {
    return located(location, this.agents.list(location.instance));
  }
}
