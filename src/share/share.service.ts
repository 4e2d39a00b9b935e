import { errorMessage } from '../core/errors/error-message';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Subscription } from 'rxjs';
import { ConfigService } from '../config/config.service';
import type { Config } from '../config/config.schema';
import type { BusEnvelope, BusEventMap } from '../core/bus/bus-event';
import { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import { NotFoundError } from '../core/errors/named-error';
import { DirectoryAllowlist } from '../core/http/directory-allowlist';
import type { Instance } from '../core/instance/instance';
import { InstanceService } from '../core/instance/instance.service';
import { DatabaseService } from '../core/storage/database.service';
import { serverUrlOf } from '../plugin/plugin-client';
import { ProviderService } from '../provider/provider.service';
import type { MessageInfo } from '../session/dto/message.dto';
import type { Session } from '../session/dto/session.dto';
import { MessageService } from '../session/message.service';
import { SessionService } from '../session/session.service';
import { KeyedQueue } from '../core/keyed-queue';
import { SessionDiffService } from '../snapshot/session-diff.service';
import { ShareClient, type ShareData, type SharedModel } from './share.client';
import type { SharedSessionDto } from './dto/shared-session.dto';
import { renderSharePage } from './share-page';
import { ShareDisabledError, ShareNotFoundError } from './share.errors';
import { LOCAL_SHARE_SERVICE, ShareRepository, type StoredShare } from './share.repository';

/** The reference's share service, when neither config `enterprise.url` nor the env names one. */
export const DEFAULT_SHARE_URL = 'https://opncd.ai';
/** Changes of a shared session are sent together, at most this often (as the reference). */
const SYNC_DELAY_MS = 1_000;
/** Items per sync request when a whole session is sent. */
const SYNC_BATCH = 500;
/** Random bytes of a local share's id: 192 bits, so ids cannot be guessed or enumerated. */
const LOCAL_SHARE_ID_BYTES = 24;

interface PendingSync {
  timer: NodeJS.Timeout;
  /** The latest version of each item, by key (a message's id, `session`, ...). */
  items: Map<string, ShareData>;
}

/**
 * Sharing sessions through the share service: `share` creates the remote share and sends the
 * whole session; from then on every change of the session (its info, messages, parts, diff) is
 * sent within a second, batched; `unshare` removes it. The service's per-share secret is kept in
 * the database only. Config `share: "auto"` shares new root sessions as they are created; a
 * deleted session's share is removed remotely too.
 *
 * With `OPENCODE_SHARE_URL=local` shares stay on this server: a share is a random id stored
 * with the session, its page `GET /share/:id` (and `/share/:id/data`) reads the conversation
 * from the database on each request, so it is always current and nothing is sent anywhere;
 * unsharing (or deleting the session) removes the id, and both routes answer 404 from then on.
 */
@Injectable()
export class ShareService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(ShareService.name);
  private readonly queue = new KeyedQueue();
  /**
   * Ids of sessions shared at a share service, so that events of others cost no database read.
   * Local shares are not in it: they have nothing to sync.
   */
  private readonly shared = new Set<string>();
  /** Ids of sessions with a local share, whose share goes when they are deleted. */
  private readonly sharedHere = new Set<string>();
  private readonly pending = new Map<string, PendingSync>();
  private subscription?: Subscription;

  constructor(
    private readonly env: AppEnvironment,
    private readonly db: DatabaseService,
    private readonly shares: ShareRepository,
    private readonly client: ShareClient,
    private readonly sessions: SessionService,
    private readonly messages: MessageService,
    private readonly diffs: SessionDiffService,
    private readonly providers: ProviderService,
    private readonly config: ConfigService,
    private readonly instances: InstanceService,
    private readonly bus: BusService,
    private readonly allowlist: DirectoryAllowlist,
    private readonly http: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    for (const { sessionID, local } of this.shares.sessions()) {
      (local ? this.sharedHere : this.shared).add(sessionID);
    }
    this.subscription = this.bus.events$.subscribe((envelope) => this.onEvent(envelope));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** Sends what is still waiting before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((sessionID) => this.flush(sessionID)));
  }

  /**
   * Shares the session (once: sharing a shared session returns it as it is) and answers it with
   * `share.url`. Config `share: "disabled"` refuses (400); an unreachable or failing share
   * service is a 502 and nothing is stored. A local share's URL starts with `origin`, where the
   * client reached the server (the listening address when not known).
   */
  async share(instance: Instance, sessionID: string, origin?: string): Promise<Session> {
    this.sessions.assertExists(sessionID);
    const config = await this.config.get(instance);
    if (config.share === 'disabled') throw new ShareDisabledError();
    return this.queue.run(sessionID, async () => {
      const session = this.sessions.get(sessionID);
      const existing = this.shares.get(sessionID);
      if (existing) {
        (isLocal(existing) ? this.sharedHere : this.shared).add(sessionID);
        if (session.share?.url === existing.url) return session;
        return this.sessions.update(instance, sessionID, { share: { url: existing.url } });
      }
      // Checked before the config's `enterprise.url`, unlike a share service's URL: the
      // operator chose to keep conversations on this machine, and a project's config must not
      // send them elsewhere.
      if (this.env.shareUrl === LOCAL_SHARE_SERVICE) {
        return this.shareHere(instance, sessionID, origin ?? this.listeningOrigin());
      }
      const baseUrl = this.baseUrl(config);
      const created = await this.client.create(baseUrl, sessionID);
      const share: StoredShare = {
        sessionID,
        shareID: created.id,
        secret: created.secret,
        url: created.url,
        baseUrl,
        timeCreated: Date.now(),
      };
      // Stored before the session says it is shared: a crash in between leaves a share that the
      // next call finds and finishes, never a session pointing at a share nobody can remove.
      this.db.transaction(() => this.shares.save(share));
      this.shared.add(sessionID);
      const updated = this.sessions.update(instance, sessionID, { share: { url: created.url } });
      await this.sendWholeSession(instance, share);
      return updated;
    });
  }

  /**
   * Removes the session's share at the service and clears `share`. When the service cannot
   * remove it (502) the session stays shared, so the user knows it is still public.
   */
  async unshare(instance: Instance, sessionID: string): Promise<Session> {
    this.sessions.assertExists(sessionID);
    return this.queue.run(sessionID, async () => {
      const share = this.shares.get(sessionID);
      if (share) await this.remove(share);
      const session = this.sessions.get(sessionID);
      return session.share ? this.sessions.update(instance, sessionID, { share: null }) : session;
    });
  }

  /**
   * `GET /share/:shareID/data`: the session of a local share and its whole conversation, read
   * in one transaction. 404 for an id that is not a local share's (a remote share's id never
   * answers here), for a deleted session, and for a session of a directory this server may no
   * longer serve (`--allow-dir`).
   */
  sharedSession(shareID: string): SharedSessionDto {
    const share = this.shares.findLocal(shareID);
    if (!share) throw new ShareNotFoundError();
    try {
      return this.db.transaction(() => {
        const session = this.sessions.get(share.sessionID);
        if (!this.allowlist.allows(session.directory)) throw new ShareNotFoundError();
        return { session, messages: this.messages.conversation(share.sessionID) };
      });
    } catch (error) {
      // Not the session's own 404, which would name the session behind the link.
      if (error instanceof NotFoundError) throw new ShareNotFoundError();
      throw error;
    }
  }

  /** `GET /share/:shareID`: the page of a local share (as {@link sharedSession}, rendered). */
  page(shareID: string): string {
    const { session, messages } = this.sharedSession(shareID);
    return renderSharePage(session, messages);
  }

  /** A local share: a random id, stored before the session says it is shared (as remote ones). */
  private shareHere(instance: Instance, sessionID: string, origin: string): Session {
    const shareID = randomBytes(LOCAL_SHARE_ID_BYTES).toString('base64url');
    const share: StoredShare = {
      sessionID,
      shareID,
      secret: '',
      url: `${origin}/share/${shareID}`,
      baseUrl: LOCAL_SHARE_SERVICE,
      timeCreated: Date.now(),
    };
    this.db.transaction(() => this.shares.save(share));
    this.sharedHere.add(sessionID);
    return this.sessions.update(instance, sessionID, { share: { url: share.url } });
  }

  /** Removes a share: at its service first (a failure keeps it), then here. */
  private async remove(share: StoredShare): Promise<void> {
    const { sessionID } = share;
    this.dropPending(sessionID);
    if (!isLocal(share)) await this.client.remove(share);
    this.db.transaction(() => this.shares.delete(sessionID));
    this.shared.delete(sessionID);
    this.sharedHere.delete(sessionID);
  }

  /** Where the server listens, for a local share made without a request (`share: "auto"`). */
  private listeningOrigin(): string {
    const server = this.http.httpAdapter?.getHttpServer() as Server | undefined;
    return serverUrlOf(server?.address()).origin;
  }

  private onEvent(envelope: BusEnvelope): void {
    const { type, properties } = envelope.payload;
    switch (type) {
      case 'session.created': {
        const { info } = properties as BusEventMap['session.created'];
        if (!info.parentID && envelope.directory) this.autoShare(envelope.directory, info.id);
        return;
      }
      case 'session.updated': {
        const { info } = properties as BusEventMap['session.updated'];
        this.enqueue(info.id, 'session', { type: 'session', data: info });
        return;
      }
      case 'session.deleted': {
        const { info } = properties as BusEventMap['session.deleted'];
        if (this.shared.has(info.id) || this.sharedHere.has(info.id)) this.removeDeleted(info.id);
        return;
      }
      case 'message.updated': {
        const { info } = properties as BusEventMap['message.updated'];
        this.enqueue(info.sessionID, info.id, { type: 'message', data: info });
        if (info.role === 'user' && envelope.directory && this.shared.has(info.sessionID)) {
          this.enqueueModels(envelope.directory, info);
        }
        return;
      }
      case 'message.part.updated': {
        const { part } = properties as BusEventMap['message.part.updated'];
        this.enqueue(part.sessionID, part.id, { type: 'part', data: part });
        return;
      }
      case 'session.diff': {
        const { sessionID, diff } = properties as BusEventMap['session.diff'];
        this.enqueue(sessionID, 'session_diff', { type: 'session_diff', data: diff });
        return;
      }
      default:
        return;
    }
  }

  /** Queues an item of a shared session; the batch goes out {@link SYNC_DELAY_MS} later. */
  private enqueue(sessionID: string, key: string, item: ShareData): void {
    if (!this.shared.has(sessionID)) return;
    let pending = this.pending.get(sessionID);
    if (!pending) {
      const timer = setTimeout(() => void this.flush(sessionID), SYNC_DELAY_MS);
      pending = { timer, items: new Map() };
      this.pending.set(sessionID, pending);
    }
    pending.items.set(key, item);
  }

  private async flush(sessionID: string): Promise<void> {
    const pending = this.pending.get(sessionID);
    if (!pending) return;
    this.dropPending(sessionID);
    const share = this.shares.get(sessionID);
    if (!share) return;
    try {
      await this.client.sync(share, [...pending.items.values()]);
    } catch (error) {
      this.logger.warn(`sync of shared session ${sessionID} failed: ${errorMessage(error)}`);
    }
  }

  private dropPending(sessionID: string): void {
    const pending = this.pending.get(sessionID);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(sessionID);
  }

  /** Sends the session, every message and part, its diff and its models, in batches. */
  private async sendWholeSession(instance: Instance, share: StoredShare): Promise<void> {
    const { sessionID } = share;
    try {
      const conversation = this.messages.conversation(sessionID);
      const data: ShareData[] = [
        { type: 'session', data: this.sessions.get(sessionID) },
        ...conversation.map(({ info }): ShareData => ({ type: 'message', data: info })),
        ...conversation.flatMap(({ parts }) =>
          parts.map((part): ShareData => ({ type: 'part', data: part })),
        ),
        { type: 'session_diff', data: await this.diffs.diff(instance, sessionID) },
        {
          type: 'model',
          data: await this.modelsOf(
            instance,
            conversation.map(({ info }) => info),
          ),
        },
      ];
      for (let i = 0; i < data.length; i += SYNC_BATCH) {
        await this.client.sync(share, data.slice(i, i + SYNC_BATCH));
      }
    } catch (error) {
      // The share exists; later changes are sent as they happen.
      this.logger.warn(`first sync of shared session ${sessionID} failed: ${errorMessage(error)}`);
    }
  }

  /** The models the session's prompts used, as share pages show them. */
  private async modelsOf(instance: Instance, infos: MessageInfo[]): Promise<SharedModel[]> {
    const refs = new Map<string, { providerID: string; modelID: string }>();
    for (const info of infos) {
      if (info.role === 'user')
        refs.set(`${info.model.providerID}/${info.model.modelID}`, info.model);
    }
    const models: SharedModel[] = [];
    for (const { providerID, modelID } of refs.values()) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-unused-vars -- left out: call options and headers may hold credentials.
        const { options, headers, ...model } = (
          await this.providers.getModel(instance, providerID, modelID)
        ).model;
        models.push(model);
      } catch {
        // A model no longer configured: the share page shows its ids only.
      }
    }
    return models;
  }

  private enqueueModels(directory: string, info: MessageInfo): void {
    void this.instances
      .resolve(directory)
      .then((instance) => this.modelsOf(instance, [info]))
      .then((models) => {
        if (models.length > 0) {
          const key = `model:${models.map((model) => `${model.providerID}/${model.id}`).join(',')}`;
          this.enqueue(info.sessionID, key, { type: 'model', data: models });
        }
      })
      .catch((error: unknown) =>
        this.logger.warn(`model info for a share failed: ${errorMessage(error)}`),
      );
  }

  /** Config `share: "auto"` (or the older `autoshare: true`) shares new root sessions. */
  private autoShare(directory: string, sessionID: string): void {
    void (async () => {
      const instance = await this.instances.resolve(directory);
      const config = await this.config.get(instance);
      const auto =
        config.share === 'auto' || (config.autoshare === true && config.share !== 'disabled');
      if (auto) await this.share(instance, sessionID);
    })().catch((error: unknown) =>
      this.logger.warn(`automatic share of ${sessionID} failed: ${errorMessage(error)}`),
    );
  }

  /** A shared session was deleted: its public copy goes too. */
  private removeDeleted(sessionID: string): void {
    this.dropPending(sessionID);
    void this.queue
      .run(sessionID, async () => {
        const share = this.shares.get(sessionID);
        if (share) await this.remove(share);
      })
      .catch((error: unknown) =>
        this.logger.warn(
          `removing the share of deleted session ${sessionID} failed: ${errorMessage(error)}`,
        ),
      );
  }

  private baseUrl(config: Config): string {
    return config.enterprise?.url || this.env.shareUrl || DEFAULT_SHARE_URL;
  }
}

function isLocal(share: StoredShare): boolean {
  return share.baseUrl === LOCAL_SHARE_SERVICE;
}
