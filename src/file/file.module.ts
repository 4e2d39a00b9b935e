import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { FileController } from './file.controller';
import { FileService } from './file.service';
import { ProjectFilesRegistry } from './project-files.registry';

/**
 * The /file routes. Exports `ProjectFilesRegistry`: the file engine of each instance (index,
 * watcher, lister, reader, git status), which `/find` and `/api/fs` share, so a directory is
 * watched once. The engine and everything else that touches project files (tools, prompt
 * attachments, skills, snapshots) confine paths, read ignore rules, walk and run git through one
 * layer, `core/fs`.
 */
@Module({
  imports: [ConfigModule],
  controllers: [FileController],
  providers: [FileService, ProjectFilesRegistry],
  exports: [ProjectFilesRegistry],
})
export class FileModule {}
