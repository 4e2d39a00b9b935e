import { Module } from '@nestjs/common';
import { BranchWatchService } from './branch-watch.service';
import { VcsController } from './vcs.controller';
import { VcsService } from './vcs.service';

@Module({
  controllers: [VcsController],
  providers: [VcsService, BranchWatchService],
})
export class VcsModule {}
