import { Module } from '@nestjs/common';
import { AgentModule } from '../agent/agent.module';
import { ConfigModule } from '../config/config.module';
import { FormatterModule } from '../formatter/formatter.module';
import { LspModule } from '../lsp/lsp.module';
import { QuestionModule } from '../question/question.module';
import { SessionModule } from '../session/session.module';
import { SkillModule } from '../skill/skill.module';
import { CustomToolService } from './custom/custom-tool.service';
import { ToolController } from './tool.controller';
import { ToolRegistryService } from './tool-registry.service';

@Module({
  imports: [
    SessionModule,
    AgentModule,
    ConfigModule,
    FormatterModule,
    LspModule,
    QuestionModule,
    SkillModule,
  ],
  controllers: [ToolController],
  providers: [ToolRegistryService, CustomToolService],
  exports: [ToolRegistryService],
})
export class ToolModule {}
