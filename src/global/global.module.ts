import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { GlobalController } from './global.controller';
import { GlobalService } from './global.service';

/** The server-wide `/global/*` routes: health, the global config file, disposing everything. */
@Module({
  imports: [ConfigModule],
  controllers: [GlobalController],
  providers: [GlobalService],
})
export class GlobalModule {}
