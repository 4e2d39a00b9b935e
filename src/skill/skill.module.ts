import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { SkillController } from './skill.controller';
import { SkillService } from './skill.service';

/** `GET /skill` and `SkillService`, which the `skill` tool and the command list read. */
@Module({
  imports: [ConfigModule],
  controllers: [SkillController],
  providers: [SkillService],
  exports: [SkillService],
})
export class SkillModule {}
