import { Injectable, Logger } from '@nestjs/common';
import { join } from 'node:path';
import { AppEnvironment } from '../core/config/app-environment';
import { SecretFile } from '../core/fs/secret-file';
import type { AuthInfo } from './auth.types';

/**
 * The credentials store: `auth.json` in the data directory (as the reference), one entry per
 * provider, kept as a `SecretFile` (mode 0600, atomic writes, read again when another process
 * such as a CLI login changes it). Credentials never leave this service except to the provider
 * layer, and are never logged: log lines name the provider and the kind only.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  private readonly store: SecretFile<AuthInfo>;

  constructor(env: AppEnvironment) {
    this.store = new SecretFile(join(env.paths.data, 'auth.json'), this.logger, (name, value) => {
      if (isAuthInfo(value)) return value;
      this.logger.warn(`ignoring malformed credentials for ${name} in auth.json`);
      return undefined;
    });
  }

  /**
   * Every stored credential by provider id. The same object is answered until the file changes,
   * so callers may cache what they derive from it by identity.
   */
  all(): Promise<Readonly<Record<string, AuthInfo>>> {
    return this.store.read();
  }

  async get(providerID: string): Promise<AuthInfo | undefined> {
    const entries = await this.all();
    return Object.hasOwn(entries, providerID) ? entries[providerID] : undefined;
  }

  async set(providerID: string, info: AuthInfo): Promise<boolean> {
    await this.store.update((entries) => ({ ...entries, [providerID]: normalize(info) }));
    this.logger.log(`stored ${info.type} credentials for ${providerID}`);
    return true;
  }

  /** Removes the provider's credentials; `true` whether or not there were any, as the reference. */
  async remove(providerID: string): Promise<boolean> {
    await this.store.update((entries) => {
      const { [providerID]: _removed, ...rest } = entries;
      return rest;
    });
    this.logger.log(`removed credentials for ${providerID}`);
    return true;
  }
}

/** Only the fields of the variant: a body validated by the DTOs has no others, a file may. */
function normalize(info: AuthInfo): AuthInfo {
  switch (info.type) {
    case 'api':
      return { type: 'api', key: info.key, ...(info.metadata && { metadata: info.metadata }) };
    case 'oauth':
      return {
        type: 'oauth',
        refresh: info.refresh,
        access: info.access,
        expires: info.expires,
        ...(info.accountId && { accountId: info.accountId }),
        ...(info.enterpriseUrl && { enterpriseUrl: info.enterpriseUrl }),
      };
    case 'wellknown':
      return { type: 'wellknown', key: info.key, token: info.token };
  }
}

function isAuthInfo(value: unknown): value is AuthInfo {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  switch (entry.type) {
    case 'api':
      return typeof entry.key === 'string';
    case 'oauth':
      return (
        typeof entry.access === 'string' &&
        typeof entry.refresh === 'string' &&
        typeof entry.expires === 'number'
      );
    case 'wellknown':
      return typeof entry.key === 'string' && typeof entry.token === 'string';
    default:
      return false;
  }
}
