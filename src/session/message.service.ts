import { Injectable } from '@nestjs/common';
import { BusService } from '../core/bus/bus.service';
import { BadRequestError } from '../core/errors/named-error';
import type { Instance } from '../core/instance/instance';
import { DatabaseService } from '../core/storage/database.service';
import type { MessageInfo } from './dto/message.dto';
import type { MessageWithParts } from './dto/message-with-parts.dto';
import type { Part } from './dto/part.dto';
import type { MessagePartDeltaEvent } from './message.events';
import { jsonArray, type JsonText } from './json-text';
import {
  MessageRepository,
  parseRecord,
  recordJson,
  type MessagePage,
  type SaveResult,
} from './message.repository';
import { SessionRunRegistry } from './session-run.registry';
import { SessionNotFoundError } from '../core/errors/session-not-found';
import { MessageNotFoundError, PartNotFoundError, SessionBusyError } from './session.errors';
import { SessionRepository } from './session.repository';

export interface MessageListOptions {
  /** The newest `limit` messages; all when absent or 0. */
  limit?: number;
  /** Only messages older than this message (paging backwards). */
  before?: string;
}

/** Where a part is stored: its session, its message and its id. */
export interface PartKey {
  sessionID: string;
  messageID: string;
  partID: string;
}

/** A page of a session's messages, oldest first; `nextBefore` pages further back. */
export interface MessagePageResult {
  items: MessageWithParts[];
  /** Present when older messages exist: pass it as `before` for the previous page. */
  nextBefore?: string;
}

export interface MessageJsonPage {
  json: JsonText<MessageWithParts[]>;
  nextBefore?: string;
}

/**
 * Messages and parts of sessions: what the agent loop stores as a turn streams and what clients
 * read back. Each write is one transaction and publishes its event after the commit. Saved objects
 * are stored and published as they are at the call: build a new object (or save again) after a
 * change instead of changing one that was saved.
 */
@Injectable()
export class MessageService {
  constructor(
    private readonly db: DatabaseService,
    private readonly messages: MessageRepository,
    private readonly sessions: SessionRepository,
    private readonly bus: BusService,
    private readonly runs: SessionRunRegistry,
  ) {}

  /** Inserts or replaces a user or assistant message; publishes `message.updated`. */
  saveMessage<T extends MessageInfo>(instance: Instance, info: T): T {
    const result = this.db.transaction(() => this.messages.saveMessage(info));
    this.check(result, info.sessionID, info.id, info.id);
    this.bus.publish(instance, 'message.updated', { sessionID: info.sessionID, info });
    return info;
  }

  /** Inserts or replaces a part of a stored message; publishes `message.part.updated`. */
  savePart<T extends Part>(instance: Instance, part: T): T {
    const result = this.db.transaction(() => this.messages.savePart(part));
    this.check(result, part.sessionID, part.messageID, part.id);
    this.bus.publish(instance, 'message.part.updated', {
      sessionID: part.sessionID,
      part,
      time: Date.now(),
    });
    return part;
  }

  /**
   * Stores a part without an event: what a streaming text part holds so far, its increments
   * having gone out as `message.part.delta`. A server stopped mid-answer keeps that text, and a
   * client loading the session meanwhile sees it.
   */
  checkpointPart(part: Part): void {
    const result = this.db.transaction(() => this.messages.savePart(part));
    this.check(result, part.sessionID, part.messageID, part.id);
  }

  /**
   * Publishes a streamed increment of a part's field (`message.part.delta`) without storing it:
   * the agent loop checkpoints the part now and then and saves it whole when the stream settles.
   */
  publishPartDelta(instance: Instance, delta: MessagePartDeltaEvent): void {
    this.bus.publish(instance, 'message.part.delta', delta);
  }

  /** Removes a part; publishes `message.part.removed`. False when there was no such part. */
  removePart(instance: Instance, sessionID: string, messageID: string, partID: string): boolean {
    const removed = this.db.transaction(() =>
      this.messages.deletePart(sessionID, messageID, partID),
    );
    if (removed) {
      this.bus.publish(instance, 'message.part.removed', { sessionID, messageID, partID });
    }
    return removed;
  }

  /**
   * Removes a message with its parts; publishes `message.removed`. Unknown session or message:
   * 404.
   */
  removeMessage(instance: Instance, sessionID: string, messageID: string): boolean {
    this.db.transaction(() => {
      this.assertSession(sessionID);
      if (!this.messages.deleteMessage(sessionID, messageID)) {
        throw new MessageNotFoundError(sessionID, messageID);
      }
    });
    this.bus.publish(instance, 'message.removed', { sessionID, messageID });
    return true;
  }

  /**
   * `DELETE /session/:id/message/:messageID`: as `removeMessage`, refused (409) while a turn of
   * the session runs, since the turn reads and writes its messages.
   */
  deleteMessage(instance: Instance, sessionID: string, messageID: string): boolean {
    this.assertSession(sessionID);
    if (this.runs.isRunning(sessionID)) throw new SessionBusyError(sessionID);
    return this.removeMessage(instance, sessionID, messageID);
  }

  /**
   * `PATCH /session/:id/message/:messageID/part/:partID`: replaces a stored part with `part` (any
   * type: a text part may become a reasoning part) and publishes `message.part.updated`. The
   * body's ids must be those of the path (400). Unknown session, message or part: 404.
   * Deliberate difference: the reference inserts a part it does not know (and even one whose
   * message does not exist), so a client could plant parts under made-up ids; only parts the
   * server stored can be replaced here.
   * Refused (409) while a turn of the session runs: the agent loop holds the parts of the answer
   * it writes and saves them again, so an edit would be lost, and the conversation it sends the
   * model would change under it (as `DELETE .../message/:messageID`).
   */
  updatePart(instance: Instance, target: PartKey, part: Part): Part {
    for (const field of ['sessionID', 'messageID', 'id'] as const) {
      const expected = field === 'id' ? target.partID : target[field];
      if (part[field] !== expected) {
        throw new BadRequestError(
          `${field} must be ${expected}, the ${field === 'id' ? 'partID' : field} of the path`,
          'Body',
          field,
        );
      }
    }
    this.db.transaction(() => {
      this.assertPart(target);
      if (this.runs.isRunning(target.sessionID)) throw new SessionBusyError(target.sessionID);
      this.check(this.messages.savePart(part), part.sessionID, part.messageID, part.id);
    });
    this.bus.publish(instance, 'message.part.updated', {
      sessionID: part.sessionID,
      part,
      time: Date.now(),
    });
    return part;
  }

  /**
   * `DELETE /session/:id/message/:messageID/part/:partID`: removes the part and publishes
   * `message.part.removed`. Unknown session, message or part: 404 (deliberate difference: the
   * reference answers true and publishes the removal of a part that never existed). Refused (409)
   * while a turn of the session runs, as `updatePart`.
   */
  deletePart(instance: Instance, target: PartKey): boolean {
    this.db.transaction(() => {
      this.assertPart(target);
      if (this.runs.isRunning(target.sessionID)) throw new SessionBusyError(target.sessionID);
      this.messages.deletePart(target.sessionID, target.messageID, target.partID);
    });
    this.bus.publish(instance, 'message.part.removed', {
      sessionID: target.sessionID,
      messageID: target.messageID,
      partID: target.partID,
    });
    return true;
  }

  /** The session's messages with their parts, oldest first (the newest `limit` when given). */
  listMessages(sessionID: string, options: MessageListOptions = {}): MessageWithParts[] {
    return this.page(sessionID, options).items;
  }

  /** A page of messages, oldest first, with the cursor of the previous page. */
  page(sessionID: string, options: MessageListOptions = {}): MessagePageResult {
    const page = this.readPage(sessionID, options);
    return { items: page.records.map(parseRecord), ...this.nextBefore(page) };
  }

  /** As `page`, with the messages as JSON text (what `GET /session/:id/message` sends). */
  pageJson(sessionID: string, options: MessageListOptions = {}): MessageJsonPage {
    const page = this.readPage(sessionID, options);
    return { json: jsonArray(page.records.map(recordJson)), ...this.nextBefore(page) };
  }

  /** One message with its parts; 404 when the session or message is unknown. */
  getMessage(sessionID: string, messageID: string): MessageWithParts {
    const record = this.db.transaction(() => {
      this.assertSession(sessionID);
      return this.messages.getMessage(sessionID, messageID);
    });
    if (!record) throw new MessageNotFoundError(sessionID, messageID);
    return parseRecord(record);
  }

  /** Whether a message of any session already has this id. */
  isMessageIdTaken(messageID: string): boolean {
    return this.messages.messageIdTaken(messageID);
  }

  /** One part, or undefined. */
  getPart(sessionID: string, partID: string): Part | undefined {
    return this.messages.getPart(sessionID, partID);
  }

  /**
   * The whole conversation of a session for the model: every message with its parts, oldest
   * first, read in two queries (messages, then parts) whatever its length.
   */
  conversation(sessionID: string): MessageWithParts[] {
    return this.listMessages(sessionID);
  }

  /** One consistent read (a transaction) of the messages and their parts. */
  private readPage(sessionID: string, options: MessageListOptions): MessagePage {
    return this.db.transaction(() => {
      this.assertSession(sessionID);
      return this.messages.page(sessionID, options);
    });
  }

  private nextBefore(page: MessagePage): { nextBefore?: string } {
    const oldest = page.records[0];
    return page.more && oldest ? { nextBefore: oldest.id } : {};
  }

  /** 404 unless the session, its message and that message's part exist. */
  private assertPart({ sessionID, messageID, partID }: PartKey): void {
    this.assertSession(sessionID);
    if (!this.messages.getMessage(sessionID, messageID)) {
      throw new MessageNotFoundError(sessionID, messageID);
    }
    if (this.messages.getPart(sessionID, partID)?.messageID !== messageID) {
      throw new PartNotFoundError(messageID, partID);
    }
  }

  private assertSession(sessionID: string): void {
    if (!this.sessions.exists(sessionID)) throw new SessionNotFoundError(sessionID);
  }

  private check(result: SaveResult, sessionID: string, messageID: string, id: string): void {
    switch (result) {
      case 'saved':
        return;
      case 'missing-owner':
        if (!this.sessions.exists(sessionID)) throw new SessionNotFoundError(sessionID);
        throw new MessageNotFoundError(sessionID, messageID);
      case 'id-conflict':
        // A programming error of the caller, not of a client: ids are never moved.
        throw new Error(`${id} already belongs to another session or message`);
    }
  }
}
