import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { ProviderModule } from '../provider/provider.module';
import { SessionModule } from '../session/session.module';
import { SnapshotModule } from '../snapshot/snapshot.module';
import { ShareClient } from './share.client';
import { SharePageController } from './share-page.controller';
import { ShareController } from './share.controller';
import { ShareRepository, SqliteShareRepository } from './share.repository';
import { ShareService } from './share.service';

/**
 * `POST` / `DELETE /session/:id/share`, the live sync of sessions shared at a share service,
 * and the pages of local shares (`GET /share/:shareID`, `OPENCODE_SHARE_URL=local`).
 */
@Module({
  imports: [ConfigModule, ProviderModule, SessionModule, SnapshotModule],
  controllers: [ShareController, SharePageController],
  providers: [
    { provide: ShareRepository, useClass: SqliteShareRepository },
    ShareClient,
    ShareService,
  ],
  exports: [ShareService, ShareRepository],
})
export class ShareModule {}
