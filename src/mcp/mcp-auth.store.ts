import { Injectable, Logger } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/atomic-write';
import { AppEnvironment } from '../core/config/app-environment';

/** Owner read/write only: the file holds OAuth tokens and client secrets. */
const MCP_AUTH_FILE_MODE = 0o600;

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

type Entries = Record<string, McpAuthEntry>;

/**
 * OAuth credentials of remote MCP servers, by server name: `mcp-auth.json` in the data
 * directory, written atomically with mode 0600, read-modify-write cycles one after the other.
 * Nothing read here is ever logged.
 */
@Injectable()
export class McpAuthStore {
  private readonly logger = new Logger('McpAuth');
  private readonly file: string;
  private writes: Promise<unknown> = Promise.resolve();
  /**
   * The file as last read, with its identity: a remote server's transport asks for the tokens
   * on every request, and the file rarely changes (another process, such as the reference's
   * CLI, may change it).
   */
  private snapshot: { fingerprint: string; entries: Entries } | undefined;

  constructor(env: AppEnvironment) {
    this.file = join(env.paths.data, 'mcp-auth.json');
  }

  async get(name: string): Promise<McpAuthEntry | undefined> {
    const entries = await this.read();
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
    return this.mutate((entries) => {
      const entry: McpAuthEntry = { ...(Object.hasOwn(entries, name) ? entries[name] : {}) };
      change(entry);
      if (serverUrl) entry.serverUrl = serverUrl;
      return { ...entries, [name]: entry };
    });
  }

  /** Forgets some fields of an entry; nothing happens when there is no entry. */
  clear(name: string, ...fields: Array<keyof McpAuthEntry>): Promise<void> {
    return this.mutate((entries) => {
      if (!Object.hasOwn(entries, name)) return undefined;
      const entry = { ...entries[name] };
      for (const field of fields) delete entry[field];
      return { ...entries, [name]: entry };
    });
  }

  /** Forgets the verifier and state of the login carrying `state`, unless a newer one replaced it. */
  endLogin(name: string, state: string): Promise<void> {
    return this.mutate((entries) => {
      if (!Object.hasOwn(entries, name) || entries[name].oauthState !== state) return undefined;
      const entry = { ...entries[name] };
      delete entry.codeVerifier;
      delete entry.oauthState;
      return { ...entries, [name]: entry };
    });
  }

  async remove(name: string): Promise<void> {
    await this.mutate((entries) => {
      if (!Object.hasOwn(entries, name)) return undefined;
      const rest = { ...entries };
      delete rest[name];
      return rest;
    });
    this.logger.log(`removed the OAuth credentials of MCP server ${name}`);
  }

  /** `update` answers `undefined` when nothing changes, so the file is not rewritten. */
  private mutate(update: (entries: Entries) => Entries | undefined): Promise<void> {
    const next = this.writes
      .catch(() => undefined)
      .then(async () => {
        const entries = update(await this.read());
        if (!entries) return;
        this.snapshot = undefined;
        await writeFileAtomic(
          this.file,
          `${JSON.stringify(entries, null, 2)}\n`,
          MCP_AUTH_FILE_MODE,
        );
      });
    this.writes = next;
    return next;
  }

  private async read(): Promise<Entries> {
    const info = await stat(this.file).catch(() => undefined);
    const fingerprint = info ? `${info.ino}:${info.mtimeMs}:${info.size}` : '-';
    if (this.snapshot?.fingerprint === fingerprint) return this.snapshot.entries;
    const entries = await this.parse();
    this.snapshot = { fingerprint, entries };
    return entries;
  }

  private async parse(): Promise<Entries> {
    const text = await readFile(this.file, 'utf8').catch(() => undefined);
    if (text === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Never quote the content: it is credentials.
      this.logger.warn(`${this.file} is not valid JSON; treating it as empty`);
      return {};
    }
    if (!isRecord(parsed)) return {};
    // Own properties whatever the name (`__proto__` included), unlike assignments.
    return Object.fromEntries(
      Object.entries(parsed).filter((pair): pair is [string, McpAuthEntry] => isRecord(pair[1])),
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
