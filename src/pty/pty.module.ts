import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { PtySocketGateway } from './pty-socket.gateway';
import { PtyV2Controller } from './pty-v2.controller';
import { PtyController } from './pty.controller';
import { PtyService } from './pty.service';

/**
 * Terminals: real pseudo-terminals (node-pty) per directory, their classic (`/pty`) and `/api`
 * routes over one `PtyService`, and the WebSocket that streams them (`PtySocketGateway`).
 */
@Module({
  imports: [ConfigModule],
  controllers: [PtyController, PtyV2Controller],
  providers: [PtyService, PtySocketGateway],
})
export class PtyModule {}
