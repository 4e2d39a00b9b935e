import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { BusService } from './bus/bus.service';
import { AppEnvironment } from './config/app-environment';
import { ServerOptions } from './config/server-options';
import { ExceptionFilterByApi } from './http/v2/exception-filter-by-api';
import { OpenEventStreams } from './http/open-event-streams';
import { DirectoryAllowlist } from './http/directory-allowlist';
import { AppValidationPipe } from './http/validation';
import { IdGenerator } from './id';
import { InstanceService } from './instance/instance.service';
import { ProjectRepository } from './instance/project.repository';
import { NpmInstaller } from './npm/npm-installer';
import { PluginHooks } from './plugin/plugin-hooks';
import { DatabaseService } from './storage/database.service';

export const SERVER_OPTIONS = Symbol('ServerOptions');

/** Cross-cutting services every area uses: environment, bus, storage, instances, HTTP plumbing. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(env: AppEnvironment, server: ServerOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [EventEmitterModule.forRoot({ maxListeners: 0 })],
      providers: [
        { provide: AppEnvironment, useValue: env },
        { provide: SERVER_OPTIONS, useValue: server },
        {
          provide: DirectoryAllowlist,
          useValue: new DirectoryAllowlist(
            [...env.allowedDirectories, ...server.allowedDirectories],
            env.defaultDirectory,
          ),
        },
        IdGenerator,
        BusService,
        OpenEventStreams,
        DatabaseService,
        ProjectRepository,
        InstanceService,
        NpmInstaller,
        PluginHooks,
        { provide: APP_FILTER, useClass: ExceptionFilterByApi },
        { provide: APP_PIPE, useClass: AppValidationPipe },
      ],
      exports: [
        AppEnvironment,
        SERVER_OPTIONS,
        DirectoryAllowlist,
        IdGenerator,
        BusService,
        OpenEventStreams,
        DatabaseService,
        ProjectRepository,
        InstanceService,
        NpmInstaller,
        PluginHooks,
      ],
    };
  }
}
