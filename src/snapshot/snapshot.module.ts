import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { SessionModule } from '../session/session.module';
import { SessionDiffService } from './session-diff.service';
import { SnapshotController } from './snapshot.controller';
import { SnapshotService } from './snapshot.service';

/**
 * Snapshots of project files (a git repository per project worktree in the data directory) and
 * the session diffs computed from them (`GET /session/:id/diff`). Exports `SnapshotService` for
 * the agent loop (snapshots and patches per step) and revert, and `SessionDiffService`.
 */
@Module({
  imports: [ConfigModule, SessionModule],
  controllers: [SnapshotController],
  providers: [SnapshotService, SessionDiffService],
  exports: [SnapshotService, SessionDiffService],
})
export class SnapshotModule {}
