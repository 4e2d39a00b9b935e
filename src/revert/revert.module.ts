import { Module } from '@nestjs/common';
import { SessionModule } from '../session/session.module';
import { SnapshotModule } from '../snapshot/snapshot.module';
import { RevertController } from './revert.controller';
import { RevertService } from './revert.service';

/**
 * `POST /session/:id/revert` and `/unrevert`. Exports `RevertService`, whose `cleanup` the agent
 * loop calls when a prompt arrives (and summarize calls before compacting).
 */
@Module({
  imports: [SessionModule, SnapshotModule],
  controllers: [RevertController],
  providers: [RevertService],
  exports: [RevertService],
})
export class RevertModule {}
