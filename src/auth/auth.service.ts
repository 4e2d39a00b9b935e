import { Injectable, Logger } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/atomic-write';
import { AppEnvironment } from '../core/config/app-environment';
import type { AuthInfo } from './auth.types';

/** Owner read/write only: the file holds API keys and OAuth tokens. */
const AUTH_FILE_MODE = 0o600;

interface Snapshot {
  fingerprint: string;
  entries: Readonly<Record<string, AuthInfo>>;
}

/**
 * The credentials store: `auth.json` in the data directory (as the reference), one entry per
 * provider. Written atomically with mode 0600, read back when the file changes (another process,
 * such as a CLI login, may write it too). Credentials never leave this service except to the
 * provider layer, and are never logged: log lines name the provider and the kind only.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  private readonly file: string;
  private snapshot: Snapshot | undefined;
  /** Read-modify-write cycles, one after the other, so concurrent changes all land. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(env: AppEnvironment) {
    this.file = join(env.paths.data, 'auth.json');
  }

  /**
   * Every stored credential by provider id. The same object is answered until the file changes,
   * so callers may cache what they derive from it by identity.
   */
  async all(): Promise<Readonly<Record<string, AuthInfo>>> {
    const fingerprint = await this.fingerprint();
    if (this.snapshot?.fingerprint === fingerprint) return this.snapshot.entries;
    const entries = await this.read();
    this.snapshot = { fingerprint, entries };
    return entries;
  }

  async get(providerID: string): Promise<AuthInfo | undefined> {
    return (await this.all())[providerID];
  }

  async set(providerID: string, info: AuthInfo): Promise<boolean> {
    await this.change((entries) => ({ ...entries, [providerID]: normalize(info) }));
    this.logger.log(`stored ${info.type} credentials for ${providerID}`);
    return true;
  }

  /** Removes the provider's credentials; `true` whether or not there were any, as the reference. */
  async remove(providerID: string): Promise<boolean> {
    await this.change((entries) => {
      const { [providerID]: _removed, ...rest } = entries;
      return rest;
    });
    this.logger.log(`removed credentials for ${providerID}`);
    return true;
  }

  private change(
    update: (entries: Readonly<Record<string, AuthInfo>>) => Record<string, AuthInfo>,
  ): Promise<void> {
    const next = this.writes
      .catch(() => undefined)
      .then(async () => {
        const entries = update(await this.read());
        await writeFileAtomic(this.file, `${JSON.stringify(entries, null, 2)}\n`, AUTH_FILE_MODE);
        this.snapshot = undefined;
      });
    this.writes = next;
    return next;
  }

  private async read(): Promise<Record<string, AuthInfo>> {
    const text = await readFile(this.file, 'utf8').catch(() => undefined);
    if (text === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Never echo the content: it is credentials.
      this.logger.warn(`${this.file} is not valid JSON; treating it as empty`);
      return {};
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const entries: Record<string, AuthInfo> = {};
    for (const [providerID, value] of Object.entries(parsed)) {
      if (isAuthInfo(value)) entries[providerID] = value;
      else this.logger.warn(`ignoring malformed credentials for ${providerID} in ${this.file}`);
    }
    return entries;
  }

  private async fingerprint(): Promise<string> {
    const info = await stat(this.file).catch(() => undefined);
    return info ? `${info.ino}:${info.mtimeMs}:${info.size}` : '-';
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
