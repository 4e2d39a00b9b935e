import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { SkillModule } from '../skill/skill.module';
import { CommandV2Controller } from './command-v2.controller';
import { CommandController } from './command.controller';
import { CommandService } from './command.service';

/**
 * `GET /command`, `GET /api/command` and `CommandService`, which the slash-command route uses to
 * render prompts.
 */
@Module({
  imports: [ConfigModule, SkillModule],
  controllers: [CommandController, CommandV2Controller],
  providers: [CommandService],
  exports: [CommandService],
})
export class CommandModule {}
