import { relative, sep } from 'node:path';
import { BadRequestError } from '../core/errors/named-error';
import type { IdGenerator } from '../core/id';
import { UnionBodyPipe } from '../core/http/union-body.pipe';
import { ZodBodyPipe } from '../core/http/zod-body.pipe';
import type { DatabaseService } from '../core/storage/database.service';
import type { MessageInfo } from './dto/message.dto';
import type { MessageWithParts } from './dto/message-with-parts.dto';
import { PART_DTO_BY_TYPE, type Part } from './dto/part.dto';
import {
  SessionImportSchema,
  type SessionExport,
  type SessionImport,
} from './dto/session-export.dto';
import type { Session } from './dto/session.dto';
import type { JsonText } from './json-text';
import { recordJson, type MessageRepository } from './message.repository';
import { SessionNotFoundError } from '../core/errors/session-not-found';
import { SessionExistsError } from './session.errors';
import type { SessionRepository } from './session.repository';
import { createSlug } from './slug';

/** The project an import goes into: the request's directory (or the CLI's working directory). */
export interface ImportTarget {
  projectID: string;
  directory: string;
  worktree: string;
}

/** What an import stored, in the order it is announced. */
export interface ImportedSession {
  session: Session;
  messages: MessageWithParts[];
}

/** A message or part id of the import is already used by another session. */
class IdsTaken extends Error {}

/**
 * Export and import of whole sessions, without the framework: the HTTP routes
 * (`SessionTransferService`, which also publishes the events) and the `export` / `import`
 * commands of the CLI (which work on the data directory directly, as the reference's do) share it.
 */
export class SessionTransfer {
  private readonly body = new ZodBodyPipe(SessionImportSchema);
  private readonly parts = new UnionBodyPipe<Part>('type', PART_DTO_BY_TYPE);

  constructor(
    private readonly db: DatabaseService,
    private readonly sessions: SessionRepository,
    private readonly messages: MessageRepository,
    private readonly ids: IdGenerator,
    /** Recorded as `version` on an imported session whose export has none. */
    private readonly version: string,
  ) {}

  /** `{ info, messages }` as JSON text, read in one transaction (a consistent copy). */
  exportJson(sessionID: string): JsonText<SessionExport> {
    return this.db.transaction(() => {
      const info = this.sessions.get(sessionID);
      if (!info) throw new SessionNotFoundError(sessionID);
      const records = this.messages.page(sessionID, {}).records;
      return `{"info":${JSON.stringify(info)},"messages":[${records.map(recordJson).join(',')}]}`;
    });
  }

  /** The most recently updated session of a project, if it has any. */
  latest(projectID: string): string | undefined {
    return this.sessions.list({ projectID, limit: 1 })[0]?.id;
  }

  /**
   * Stores an exported session in `target`'s project, all of it or nothing. The session keeps
   * its id (an id already stored is a 409: an import never overwrites). Message and part ids
   * are kept too unless one of them is taken by another session (the same export imported
   * under another session id, a fork): then every message and part gets a new id, in the
   * order of the export so that conversation order holds, with the references between them
   * (`parentID`, a compaction's `tail_start_id`, the session's `revert`) following.
   */
  async importSession(target: ImportTarget, body: unknown): Promise<ImportedSession> {
    const data = this.body.transform(body) as SessionImport;
    const parts = await this.readParts(data);
    const store = (renumber: boolean) =>
      this.db.transaction(() => {
        if (this.sessions.exists(data.info.id)) throw new SessionExistsError(data.info.id);
        const imported = this.prepare(target, data, parts, renumber);
        this.sessions.insert(imported.session);
        for (const message of imported.messages) {
          if (this.messages.saveMessage(message.info) !== 'saved') throw new IdsTaken();
          for (const part of message.parts) {
            if (this.messages.savePart(part) !== 'saved') throw new IdsTaken();
          }
        }
        return imported;
      });
    try {
      return store(false);
    } catch (error) {
      if (!(error instanceof IdsTaken)) throw error;
      return store(true);
    }
  }

  /** Checks every part by its DTO (as `part.update` does), naming the field in the import. */
  private async readParts(data: SessionImport): Promise<Part[][]> {
    const seen = new Set<string>();
    const seenMessages = new Set<string>();
    const result: Part[][] = [];
    for (const [index, message] of data.messages.entries()) {
      const field = `messages.${index}`;
      if (seenMessages.has(message.info.id)) {
        throw new BadRequestError(
          `${field}.info.id repeats an earlier message`,
          'Body',
          `${field}.info.id`,
        );
      }
      seenMessages.add(message.info.id);
      const parts: Part[] = [];
      for (const [position, value] of message.parts.entries()) {
        const partField = `${field}.parts.${position}`;
        let part: Part;
        try {
          part = await this.parts.transform(value, { type: 'body' });
        } catch (error) {
          if (!(error instanceof BadRequestError)) throw error;
          const inner = error.data.field ? `${partField}.${error.data.field}` : partField;
          throw new BadRequestError(`${partField}: ${error.data.message}`, 'Body', inner);
        }
        if (part.messageID !== message.info.id) {
          throw new BadRequestError(
            `${partField}.messageID must be ${message.info.id}, the id of its message`,
            'Body',
            `${partField}.messageID`,
          );
        }
        if (seen.has(part.id)) {
          throw new BadRequestError(
            `${partField}.id repeats an earlier part`,
            'Body',
            `${partField}.id`,
          );
        }
        seen.add(part.id);
        parts.push(part);
      }
      result.push(parts);
    }
    return result;
  }

  private prepare(
    target: ImportTarget,
    data: SessionImport,
    parts: Part[][],
    renumber: boolean,
  ): ImportedSession {
    const messageIds = new Map<string, string>();
    const partIds = new Map<string, string>();
    if (renumber) {
      for (const [index, message] of data.messages.entries()) {
        messageIds.set(message.info.id, this.ids.ascending('message'));
        for (const part of parts[index]) partIds.set(part.id, this.ids.ascending('part'));
      }
    }
    const messageId = (id: string) => messageIds.get(id) ?? id;
    // `share` stays behind: the share's secret is the exporting server's.
    // The export's project, directory and path give way to the target's.
    const {
      id: sessionID,
      share: _share,
      projectID: _projectID,
      directory: _directory,
      path: _path,
      parentID,
      revert,
      slug,
      version,
      ...info
    } = data.info;
    const session: Session = {
      id: sessionID,
      slug: slug ?? createSlug(),
      version: version ?? this.version,
      projectID: target.projectID,
      directory: target.directory,
      path: relative(target.worktree, target.directory).split(sep).join('/'),
      // A parent that is not stored here is dropped: the session is then a root.
      ...(parentID && this.sessions.exists(parentID) && { parentID }),
      ...info,
      ...(revert && {
        revert: {
          ...revert,
          messageID: messageId(revert.messageID),
          ...(revert.partID && { partID: partIds.get(revert.partID) ?? revert.partID }),
        },
      }),
    };
    const messages = data.messages.map(({ info: source }, index) => {
      const id = messageId(source.id);
      const info: MessageInfo =
        source.role === 'assistant'
          ? { ...source, id, sessionID, parentID: messageId(source.parentID) }
          : { ...source, id, sessionID };
      return {
        info,
        parts: parts[index].map((part): Part => {
          const moved = { ...part, id: partIds.get(part.id) ?? part.id, sessionID, messageID: id };
          if (moved.type === 'compaction' && moved.tail_start_id) {
            moved.tail_start_id = messageId(moved.tail_start_id);
          }
          return moved;
        }),
      };
    });
    return { session, messages };
  }
}
