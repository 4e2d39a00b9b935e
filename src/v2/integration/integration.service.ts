import { Injectable } from '@nestjs/common';
import { AppEnvironment } from '../../core/config/app-environment';
import type { Instance } from '../../core/instance/instance';
import { ProviderService } from '../../provider/provider.service';
import type { ProviderInfo } from '../../provider/provider.types';
import type { ConnectionInfo, IntegrationInfoDto, IntegrationMethod } from './dto/integration.dto';
import { IntegrationNotFoundError } from './integration.errors';

/**
 * Integrations: one per provider the server knows (catalog and config, after
 * `enabled_providers` / `disabled_providers`), with the ways to connect it and the connections it
 * has, read-only. Methods: an API key, and the environment variables the provider reads.
 * Connections: those variables that are set (names only, never values).
 *
 * Not listed (yet): OAuth methods and stored credentials, which belong to the v2 connect and
 * credential routes; without them a client could be offered a login it cannot complete.
 */
@Injectable()
export class IntegrationService {
  constructor(
    private readonly providers: ProviderService,
    private readonly env: AppEnvironment,
  ) {}

  /** Every integration, by name (as the reference orders them). */
  async list(instance: Instance): Promise<IntegrationInfoDto[]> {
    const { all } = await this.providers.listing(instance);
    return all
      .map((provider) => this.toIntegration(provider))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** One integration; `IntegrationNotFoundError` (404) for an unknown id. */
  async get(instance: Instance, integrationID: string): Promise<IntegrationInfoDto> {
    const { all } = await this.providers.listing(instance);
    const provider = all.find((candidate) => candidate.id === integrationID);
    if (!provider) throw new IntegrationNotFoundError(integrationID);
    return this.toIntegration(provider);
  }

  private toIntegration(provider: ProviderInfo): IntegrationInfoDto {
    const methods: IntegrationMethod[] = [{ type: 'key' }];
    if (provider.env.length > 0) methods.push({ type: 'env', names: [...provider.env] });
    const connections: ConnectionInfo[] = provider.env
      .filter((name) => Boolean(this.env.variables[name]))
      .map((name) => ({ type: 'env', name }));
    return { id: provider.id, name: provider.name, methods, connections };
  }
}
