import { Module } from '@nestjs/common';
import { SessionModule } from '../session/session.module';
import { ShareModule } from '../share/share.module';
import { ImportLedgerRepository } from './import-ledger.repository';
import { OriginalHistoryService } from './original-history.service';

/**
 * The original opencode's history: copies the sessions it stored in its own database (beside
 * this server's, in the same data directory) into this server's, at start and as they change.
 */
@Module({
  imports: [SessionModule, ShareModule],
  providers: [ImportLedgerRepository, OriginalHistoryService],
  exports: [OriginalHistoryService],
})
export class HistoryModule {}
