import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { ProviderModule } from '../provider/provider.module';
import { SessionModule } from '../session/session.module';
import { SnapshotModule } from '../snapshot/snapshot.module';
import { ShareClient } from './share.client';
import { ShareController } from './share.controller';
import { ShareRepository, SqliteShareRepository } from './share.repository';
import { ShareService } from './share.service';

/** `POST` / `DELETE /session/:id/share`, and the live sync of shared sessions. */
@Module({
  imports: [ConfigModule, ProviderModule, SessionModule, SnapshotModule],
  controllers: [ShareController],
  providers: [
    { provide: ShareRepository, useClass: SqliteShareRepository },
    ShareClient,
    ShareService,
  ],
  exports: [ShareService, ShareRepository],
})
export class ShareModule {}
