import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { SkillV2Controller } from './skill-v2.controller';
import { SkillController } from './skill.controller';
import { SkillService } from './skill.service';

/**
 * `GET /skill`, `GET /api/skill` and `SkillService`, which the `skill` tool and the command list
 * read.
 */
@Module({
  imports: [ConfigModule],
  controllers: [SkillController, SkillV2Controller],
  providers: [SkillService],
  exports: [SkillService],
})
export class SkillModule {}
