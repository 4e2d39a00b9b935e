import { Module } from '@nestjs/common';
import { InstanceController } from './instance.controller';
import { InstanceInfoService } from './instance-info.service';

@Module({
  controllers: [InstanceController],
  providers: [InstanceInfoService],
})
export class InstanceModule {}
