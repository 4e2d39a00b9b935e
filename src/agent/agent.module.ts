import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { AgentController } from './agent.controller';
import { AgentService } from './agent.service';

/** `GET /agent` and `AgentService`, which the agent loop asks for an agent's prompt and rules. */
@Module({
  imports: [ConfigModule],
  controllers: [AgentController],
  providers: [AgentService],
  exports: [AgentService],
})
export class AgentModule {}
