import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ConfigModule } from '../config/config.module';
import { ModelsDevService } from './catalog/models-dev.service';
import { ConfigProvidersController } from './config-providers.controller';
import { ProviderAuthService } from './oauth/provider-auth.service';
import { ProviderController } from './provider.controller';
import { ProviderCredentials } from './provider-credentials.service';
import { ProviderService } from './provider.service';

/**
 * `/provider*` and `/config/providers`, and `ProviderService`, through which the agent loop
 * resolves models (`getModel`, `defaultModel`, `smallModel`).
 */
@Module({
  imports: [ConfigModule, AuthModule],
  controllers: [ProviderController, ConfigProvidersController],
  providers: [ProviderService, ProviderAuthService, ProviderCredentials, ModelsDevService],
  exports: [ProviderService, ProviderAuthService, ProviderCredentials, ModelsDevService],
})
export class ProviderModule {}
