import { Injectable, Logger } from '@nestjs/common';
import { join } from 'node:path';
import { AppEnvironment } from '../core/config/app-environment';
import { SecretFile } from '../core/fs/secret-file';

export interface McpStoredTokens {
  accessToken: string;
  refreshToken?: string;
  /** Seconds since the epoch. */
  expiresAt?: number;
  scope?: string;
  /** The authorization server that issued them (the MCP SDK binds tokens to it). */
  issuer?: string;
}

export interface McpStoredClient {
  clientId: string;
  clientSecret?: string;
  clientIdIssuedAt?: number;
  /** Seconds since the epoch; 0 or absent when the secret does not expire. */
  clientSecretExpiresAt?: number;
  issuer?: string;
}

/**
 * One MCP server's OAuth state, as the reference lays it out in the same file, so credentials
 * obtained with the original (`opencode mcp auth`) keep working here and the other way round.
 * `issuer` is an addition: the MCP SDK stamps what it saves with the authorization server.
 */
export interface McpAuthEntry {
  tokens?: McpStoredTokens;
  clientInfo?: McpStoredClient;
  /** The PKCE verifier of the authorization in progress. */
  codeVerifier?: string;
  /** The `state` of the authorization in progress. */
  oauthState?: string;
  /** The server URL the credentials were obtained for: they are not sent to another one. */
  serverUrl?: string;
}

/**
 * OAuth credentials of remote MCP servers, by server name: `mcp-auth.json` in the data
 * directory, kept as a `SecretFile` (mode 0600, atomic writes, read again only when it changed:
 * a remote server's transport asks for the tokens on every request, and another process such as
 * the reference's CLI may change the file). Nothing read here is ever logged.
 */
@Injectable()
export class McpAuthStore {
  private readonly logger = new Logger('McpAuth');
  private readonly store: SecretFile<McpAuthEntry>;

  constructor(env: AppEnvironment) {
    this.store = new SecretFile(
      join(env.paths.data, 'mcp-auth.json'),
      this.logger,
      (_name, value) => (isRecord(value) ? value : undefined),
    );
  }

  async get(name: string): Promise<McpAuthEntry | undefined> {
    const entries = await this.store.read();
    return Object.hasOwn(entries, name) ? entries[name] : undefined;
  }

  /** The entry only when it was made for `serverUrl`: a server whose URL changed starts over. */
  async forUrl(name: string, serverUrl: string): Promise<McpAuthEntry | undefined> {
    const entry = await this.get(name);
    return entry?.serverUrl === serverUrl ? entry : undefined;
  }

  /**
   * Changes one entry: `change` gets a copy of it (empty when there is none) and edits it.
   * With `serverUrl`, the entry is marked as belonging to that URL.
   */
  update(name: string, change: (entry: McpAuthEntry) => void, serverUrl?: string): Promise<void> {
    return this.store.update((entries) => {
      const entry: McpAuthEntry = { ...(Object.hasOwn(entries, name) ? entries[name] : {}) };
      change(entry);
      if (serverUrl) entry.serverUrl = serverUrl;
      return { ...entries, [name]: entry };
    });
  }

  /** Forgets some fields of an entry; nothing happens when there is no entry. */
  clear(name: string, ...fields: Array<keyof McpAuthEntry>): Promise<void> {
    return this.store.update((entries) => {
      if (!Object.hasOwn(entries, name)) return undefined;
      const entry = { ...entries[name] };
      for (const field of fields) delete entry[field];
      return { ...entries, [name]: entry };
    });
  }

  /** Forgets the verifier and state of the login carrying `state`, unless a newer one replaced it. */
  endLogin(name: string, state: string): Promise<void> {
    return this.store.update((entries) => {
      if (!Object.hasOwn(entries, name) || entries[name].oauthState !== state) return undefined;
      const entry = { ...entries[name] };
      delete entry.codeVerifier;
      delete entry.oauthState;
      return { ...entries, [name]: entry };
    });
  }

  async remove(name: string): Promise<void> {
    await this.store.update((entries) => {
      if (!Object.hasOwn(entries, name)) return undefined;
      const rest = { ...entries };
      delete rest[name];
      return rest;
    });
    this.logger.log(`removed the OAuth credentials of MCP server ${name}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
