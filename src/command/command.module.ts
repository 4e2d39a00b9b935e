import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { SkillModule } from '../skill/skill.module';
import { CommandController } from './command.controller';
import { CommandService } from './command.service';

/** `GET /command` and `CommandService`, which the slash-command route uses to render prompts. */
@Module({
  imports: [ConfigModule, SkillModule],
  controllers: [CommandController],
  providers: [CommandService],
  exports: [CommandService],
})
export class CommandModule {}
