import { Module } from '@nestjs/common';
import { AppEnvironment } from '../core/config/app-environment';
import { FileModule } from '../file/file.module';
import { LspModule } from '../lsp/lsp.module';
import { FindController } from './find.controller';
import { FIND_OPTIONS, findOptionsFrom } from './find.options';
import { FindService } from './find.service';

/**
 * The /find routes, over the file engine that `FileModule` keeps per instance (and the running
 * language servers for symbols).
 */
@Module({
  imports: [FileModule, LspModule],
  controllers: [FindController],
  providers: [
    FindService,
    {
      provide: FIND_OPTIONS,
      inject: [AppEnvironment],
      useFactory: (env: AppEnvironment) => findOptionsFrom(env.variables),
    },
  ],
})
export class FindModule {}
