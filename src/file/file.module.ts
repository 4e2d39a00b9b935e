import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { FileController } from './file.controller';
import { FileService } from './file.service';
import { ProjectFilesRegistry } from './project-files.registry';

/**
 * The /file routes. Exports `ProjectFilesRegistry`: the one file engine (jail, index, watcher,
 * reader, git status) per instance, which search and other areas share.
 */
@Module({
  imports: [ConfigModule],
  controllers: [FileController],
  providers: [FileService, ProjectFilesRegistry],
  exports: [ProjectFilesRegistry],
})
export class FileModule {}
