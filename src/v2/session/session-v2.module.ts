import { Module } from '@nestjs/common';
import { CompactionModule } from '../../compaction/compaction.module';
import { PromptModule } from '../../prompt/prompt.module';
import { ProviderModule } from '../../provider/provider.module';
import { RevertModule } from '../../revert/revert.module';
import { SessionModule } from '../../session/session.module';
import { SnapshotModule } from '../../snapshot/snapshot.module';
import { SessionEventLog } from './log/session-event-log.service';
import { SessionEventRepository } from './log/session-event.repository';
import { TurnTranslator } from './log/turn-translator.service';
import { SessionHistoryService } from './messages/session-history.service';
import { SessionInputRepository } from './prompt/session-input.repository';
import { SessionLoopService } from './prompt/session-loop.service';
import { RevertStagingService } from './revert/revert-staging.service';
import { SessionV2Controller } from './session-v2.controller';
import { SessionV2Service } from './session-v2.service';
import { SessionEventStreamService } from './stream/session-event-stream.service';

/**
 * Sessions through `/api`: the durable per-session event log (every turn, whichever API
 * started it, is written into it by `TurnTranslator`), prompt admission and the loop that takes
 * admitted inputs, wait / interrupt / compact, messages projected from the log, the resumable
 * event stream, and revert in stages.
 */
@Module({
  imports: [
    SessionModule,
    PromptModule,
    CompactionModule,
    RevertModule,
    ProviderModule,
    SnapshotModule,
  ],
  controllers: [SessionV2Controller],
  providers: [
    SessionEventRepository,
    SessionEventLog,
    TurnTranslator,
    SessionInputRepository,
    SessionV2Service,
    SessionLoopService,
    SessionHistoryService,
    RevertStagingService,
    SessionEventStreamService,
  ],
  exports: [SessionEventLog, SessionV2Service],
})
export class SessionV2Module {}
