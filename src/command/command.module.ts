import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { SkillModule } from '../skill/skill.module';
import { V2Module } from '../v2/v2.module';
import { CommandV2Controller } from './command-v2.controller';
import { CommandController } from './command.controller';
import { CommandService } from './command.service';

/**
 * `GET /command`, `GET /api/command` and `CommandService`, which the slash-command route uses to
 * render prompts.
 */
@Module({
  imports: [ConfigModule, SkillModule, V2Module],
  controllers: [CommandController, CommandV2Controller],
  providers: [CommandService],
  exports: [CommandService],
})
export class CommandModule {}
