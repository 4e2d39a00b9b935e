import { Module } from '@nestjs/common';
import { PermissionController } from './permission.controller';
import { PermissionService } from './permission.service';
import {
  SavedPermissionRepository,
  SqliteSavedPermissionRepository,
} from './saved-permission.repository';

@Module({
  controllers: [PermissionController],
  providers: [
    PermissionService,
    { provide: SavedPermissionRepository, useClass: SqliteSavedPermissionRepository },
  ],
  exports: [PermissionService],
})
export class PermissionModule {}
