import { Module } from '@nestjs/common';
import { BranchWatchService } from './branch-watch.service';
import { InstanceController } from './instance.controller';
import { InstanceInfoService } from './instance-info.service';

@Module({
  controllers: [InstanceController],
  providers: [InstanceInfoService, BranchWatchService],
})
export class InstanceModule {}
