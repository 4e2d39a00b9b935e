import { Module } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { SessionModule } from '../session/session.module';
import { ToolController } from './tool.controller';
import { ToolRegistryService } from './tool-registry.service';

@Module({
  imports: [SessionModule, AgentModule],
  controllers: [ToolController],
  providers: [ToolRegistryService],
  exports: [ToolRegistryService],
})
export class ToolModule {}
