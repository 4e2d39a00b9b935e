import { Module } from '@nestjs/common';
import { ProjectModule } from '../project/project.module';
import { WorktreeController } from './worktree.controller';
import { WorktreeService } from './worktree.service';

@Module({
  imports: [ProjectModule],
  controllers: [WorktreeController],
  providers: [WorktreeService],
})
export class WorktreeModule {}
