import { Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor, pageOf } from '../cursor';
import type { SessionHistoryDto, SessionMessagesQueryDto } from '../dto/session-message.dto';
import type { ListOrder, PageCursorDto } from '../dto/session-v2.dto';
import { SessionEventLog } from '../log/session-event-log.service';
import { InvalidCursorError, MessageNotFoundV2Error } from '../session-v2.errors';
import { SessionV2Service } from '../session-v2.service';
import { contextOf, projectMessages, type SessionMessage } from './session-messages';

const DEFAULT_LIMIT = 50;

/** The messages and the raw event history of a session, both read from its durable log. */
@Injectable()
export class SessionHistoryService {
  constructor(
    private readonly sessions: SessionV2Service,
    private readonly log: SessionEventLog,
  ) {}

  /** A page of messages, newest first unless `order=asc`; a cursor keeps its page's order. */
  messages(
    sessionID: string,
    query: SessionMessagesQueryDto,
  ): { data: SessionMessage[]; cursor: PageCursorDto } {
    if (query.cursor && query.order) {
      throw new InvalidCursorError('A cursor already fixes the order: send one or the other');
    }
    const cursor = query.cursor ? decodeCursor<{ order: ListOrder }>(query.cursor) : undefined;
    const order = cursor?.query.order ?? query.order ?? 'desc';
    if (order !== 'asc' && order !== 'desc') throw new InvalidCursorError();
    const all = this.all(sessionID);
    if (order === 'desc') all.reverse();
    const page = pageOf(all, (message) => message.id, query.limit ?? DEFAULT_LIMIT, cursor?.anchor);
    return {
      data: page.items,
      cursor: {
        ...(page.previous && { previous: encodeCursor({ order }, page.previous, 'previous') }),
        ...(page.next && { next: encodeCursor({ order }, page.next, 'next') }),
      },
    };
  }

  message(sessionID: string, messageID: string): SessionMessage {
    const message = this.all(sessionID).find((candidate) => candidate.id === messageID);
    if (!message) throw new MessageNotFoundV2Error(sessionID, messageID);
    return message;
  }

  /** What the model works from: the messages from the latest compaction on, oldest first. */
  context(sessionID: string): SessionMessage[] {
    return contextOf(this.all(sessionID));
  }

  /** A page of the stored events after `after`; later pages see events committed since. */
  history(sessionID: string, after = 0, limit = DEFAULT_LIMIT): SessionHistoryDto {
    this.sessions.find(sessionID);
    const events = this.log.after(sessionID, after, limit + 1);
    return { data: events.slice(0, limit), hasMore: events.length > limit };
  }

  /** Every message of the session, oldest first. */
  all(sessionID: string): SessionMessage[] {
    this.sessions.find(sessionID);
    return projectMessages(this.log.after(sessionID, 0));
  }
}
