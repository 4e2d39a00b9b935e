import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { CommandController } from './command.controller';
import { CommandService } from './command.service';

/** `GET /command` and `CommandService`, which the slash-command route uses to render prompts. */
@Module({
  imports: [ConfigModule],
  controllers: [CommandController],
  providers: [CommandService],
  exports: [CommandService],
})
export class CommandModule {}
