import { Injectable, Logger } from '@nestjs/common';
import type { Statement } from 'better-sqlite3';
import type { ApiAuthInfo, AuthInfo, OAuthInfo } from '../../auth/auth.types';
import { IdGenerator } from '../../core/id';
import { DatabaseService } from '../../core/storage/database.service';
import type { CredentialSource } from '../../provider/provider-credentials.service';

/** What a stored credential holds: an API key, or the token set of an OAuth login. */
export type CredentialSecret = ApiAuthInfo | OAuthInfo;

/** A credential as it may be shown: never its secret. */
export interface CredentialSummary {
  id: string;
  integrationID: string;
  label: string;
}

interface CredentialRow {
  id: string;
  integration_id: string;
  label: string;
  kind: string;
  secret: string;
}

/**
 * The `/api` credentials (table `credential`): one per integration, as the reference keeps them
 * (connecting again replaces the previous one). `kind` is `key` or `oauth`; `secret` the key or
 * token set as JSON, in the `auth.json` value shape, so the provider layer reads both stores
 * alike. It is also the provider layer's second credential source (see `ProviderCredentials`):
 * `all()` answers the same object until a write, so registries are rebuilt only on a change.
 */
@Injectable()
export class CredentialRepository implements CredentialSource {
  private readonly logger = new Logger('Credential');
  private readonly statements: {
    summaries: Statement<[], CredentialRow>;
    byId: Statement<[string], CredentialRow>;
    byIntegration: Statement<[string], CredentialRow>;
    insert: Statement<[string, string, string, string, string, number, number]>;
    removeIntegration: Statement<[string]>;
    rename: Statement<[string, number, string]>;
    replaceSecret: Statement<[string, number, string]>;
    remove: Statement<[string]>;
  };
  private snapshot?: Readonly<Record<string, AuthInfo>>;

  constructor(
    private readonly db: DatabaseService,
    private readonly ids: IdGenerator,
  ) {
    const sql = db.connection;
    this.statements = {
      summaries: sql.prepare('SELECT * FROM credential ORDER BY time_created, id'),
      byId: sql.prepare('SELECT * FROM credential WHERE id = ?'),
      byIntegration: sql.prepare(
        'SELECT * FROM credential WHERE integration_id = ? ORDER BY time_created DESC, id DESC',
      ),
      insert: sql.prepare(
        `INSERT INTO credential (id, integration_id, label, kind, secret, time_created, time_updated)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      removeIntegration: sql.prepare('DELETE FROM credential WHERE integration_id = ?'),
      rename: sql.prepare('UPDATE credential SET label = ?, time_updated = ? WHERE id = ?'),
      replaceSecret: sql.prepare('UPDATE credential SET secret = ?, time_updated = ? WHERE id = ?'),
      remove: sql.prepare('DELETE FROM credential WHERE id = ?'),
    };
  }

  /** Every credential, oldest first, without secrets. */
  summaries(): CredentialSummary[] {
    return this.statements.summaries.all().map(summaryOf);
  }

  get(id: string): CredentialSummary | undefined {
    const row = this.statements.byId.get(id);
    return row && summaryOf(row);
  }

  /** Stores the integration's credential in place of any it had; answers the new one. */
  create(integrationID: string, label: string, secret: CredentialSecret): CredentialSummary {
    const id = this.ids.ascending('credential');
    const now = Date.now();
    const kind = secret.type === 'api' ? 'key' : 'oauth';
    this.db.connection.transaction(() => {
      this.statements.removeIntegration.run(integrationID);
      this.statements.insert.run(id, integrationID, label, kind, JSON.stringify(secret), now, now);
    })();
    this.snapshot = undefined;
    return { id, integrationID, label };
  }

  /** The renamed credential, or undefined when there is no such id. */
  rename(id: string, label: string): CredentialSummary | undefined {
    const existing = this.get(id);
    if (!existing) return undefined;
    this.statements.rename.run(label, Date.now(), id);
    return { ...existing, label };
  }

  /** The removed credential, or undefined when there was no such id. */
  remove(id: string): CredentialSummary | undefined {
    const existing = this.get(id);
    if (!existing) return undefined;
    this.statements.remove.run(id);
    this.snapshot = undefined;
    return existing;
  }

  all(): Readonly<Record<string, AuthInfo>> {
    if (this.snapshot) return this.snapshot;
    const entries: Record<string, AuthInfo> = {};
    for (const row of this.statements.summaries.all()) {
      const secret = this.secretOf(row);
      if (secret) entries[row.integration_id] = secret;
    }
    this.snapshot = entries;
    return entries;
  }

  replaceTokens(integrationID: string, tokens: OAuthInfo): void {
    const row = this.statements.byIntegration.get(integrationID);
    if (!row) return;
    this.statements.replaceSecret.run(JSON.stringify(tokens), Date.now(), row.id);
    this.snapshot = undefined;
  }

  /** The row's secret; a malformed one is skipped (and named, never shown). */
  private secretOf(row: CredentialRow): CredentialSecret | undefined {
    try {
      const value = JSON.parse(row.secret) as Partial<ApiAuthInfo> & Partial<OAuthInfo>;
      if (row.kind === 'key' && value.type === 'api' && typeof value.key === 'string') {
        return value as ApiAuthInfo;
      }
      if (
        row.kind === 'oauth' &&
        value.type === 'oauth' &&
        typeof value.access === 'string' &&
        typeof value.refresh === 'string' &&
        typeof value.expires === 'number'
      ) {
        return value as OAuthInfo;
      }
    } catch {
      // Reported below, like any other unusable value.
    }
    this.logger.warn(`ignoring the unreadable credential ${row.id} of ${row.integration_id}`);
    return undefined;
  }
}

function summaryOf(row: CredentialRow): CredentialSummary {
  return { id: row.id, integrationID: row.integration_id, label: row.label };
}
