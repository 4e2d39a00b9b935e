import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { PluginService } from './plugin.service';

/**
 * The opencode plugin API: loads each instance's plugins (config `plugin` entries and the config
 * directories' plugin files) and registers them as the source of `PluginHooks`, through which the
 * other areas call the hooks. Plugins are the user's own code and run unsandboxed, in-process.
 */
@Module({
  imports: [ConfigModule],
  providers: [PluginService],
  exports: [PluginService],
})
export class PluginModule {}
