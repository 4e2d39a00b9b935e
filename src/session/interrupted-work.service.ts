import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { errorMessage } from '../core/errors/error-message';
import { DatabaseService } from '../core/storage/database.service';
import type { AssistantMessage, MessageAbortedErrorDto, MessageInfo } from './dto/message.dto';
import type { Part, ToolPart } from './dto/part.dto';
import type { Session } from './dto/session.dto';
import { MessageRepository, parseRecord, type MessageKey } from './message.repository';
import { SessionRepository } from './session.repository';

/** Stored on an answer that a stopped server left unfinished (as an abort is stored). */
export const SERVER_STOPPED_ERROR: MessageAbortedErrorDto = {
  name: 'MessageAbortedError',
  data: { message: 'The server stopped before this answer was finished' },
};

/** Stored on a tool call that a stopped server left pending or running. */
export const TOOL_INTERRUPTED_ERROR =
  'Tool execution was interrupted: the server stopped before it finished';

/** What one clean-up closed. */
export interface ClosedWork {
  /** Assistant messages given `time.completed` (and an error when they had none). */
  messages: number;
  /** Tool parts turned from `pending`/`running` into `error`. */
  tools: number;
  /** Text and reasoning parts of those messages given `time.end`. */
  streams: number;
  /** Sessions whose `time.compacting` was cleared. */
  sessions: number;
  /** The assistant messages closed (those counted in `messages`). */
  answers: MessageKey[];
}

/**
 * Closes what a server process left open when it stopped mid-turn (a crash, `kill -9`): the
 * stored state would otherwise look in progress forever, and clients would show spinners and
 * running tools that never end. Runs once at start-up, before the server answers requests, when
 * nothing of an earlier process can still be running (it does nothing while another server of
 * this host uses the database); work is closed as the agent loop closes an
 * aborted turn (open tools become errors marked `interrupted`, the answer gets
 * `MessageAbortedError`). No events are published: no client is connected yet, and every client
 * reads the stored state when it connects.
 */
@Injectable()
export class InterruptedWorkService implements OnApplicationBootstrap {
  private readonly logger = new Logger(InterruptedWorkService.name);
  private readonly closedListeners: Array<(answers: MessageKey[]) => void> = [];

  constructor(
    private readonly db: DatabaseService,
    private readonly messages: MessageRepository,
    private readonly sessions: SessionRepository,
  ) {}

  /**
   * Calls `listener` with the answers closed at start-up, once they are stored: the `/api` event
   * log, a higher layer, closes their steps there too.
   */
  onAnswersClosed(listener: (answers: MessageKey[]) => void): void {
    this.closedListeners.push(listener);
  }

  onApplicationBootstrap(): void {
    const others = this.db.otherLiveServers;
    if (others.length > 0) {
      // Their turns may be running right now: closing them would show their clients an abort.
      this.logger.log(
        `another server (pid ${others.join(', ')}) uses this database: open work left as it is`,
      );
      return;
    }
    const started = performance.now();
    let closed: ClosedWork;
    try {
      closed = this.closeInterruptedWork();
    } catch (error) {
      // A server that starts with stale spinners is better than one that does not start at all
      // (e.g. over one unreadable row); nothing was changed, the transaction rolled back.
      this.logger.error(`work left open by a stopped server not closed: ${errorMessage(error)}`);
      return;
    }
    if (closed.messages + closed.tools + closed.streams + closed.sessions === 0) return;
    if (closed.answers.length > 0) {
      for (const listener of this.closedListeners) listener(closed.answers);
    }
    const ms = Math.round(performance.now() - started);
    this.logger.log(
      `closed work left open when the server last stopped: unfinished answers ${closed.messages}, ` +
        `tool calls ${closed.tools}, text/reasoning parts ${closed.streams}, ` +
        `compactions ${closed.sessions} (${ms} ms)`,
    );
  }

  /**
   * Closes every unfinished assistant message, open tool call and running compaction, in one
   * transaction. Only safe while no turn runs in this process (at start-up).
   */
  closeInterruptedWork(): ClosedWork {
    return this.db.transaction(() => {
      const closed: ClosedWork = { messages: 0, tools: 0, streams: 0, sessions: 0, answers: [] };
      const unfinished = this.messages.unfinishedMessages();
      const unfinishedIDs = new Set(unfinished.map((key) => key.messageID));
      // Open tools are looked up in every message, not only unfinished ones: a finished message
      // must not keep a running tool either.
      const keys = new Map<string, MessageKey>();
      for (const key of [...unfinished, ...this.messages.messagesWithOpenTools()]) {
        keys.set(key.messageID, key);
      }
      for (const { sessionID, messageID } of keys.values()) {
        const record = this.messages.getMessage(sessionID, messageID);
        if (!record) continue;
        const { info, parts } = parseRecord(record);
        const lastSeen = lastActivity(info, parts);
        const isUnfinished = unfinishedIDs.has(messageID) && info.role === 'assistant';
        for (const part of parts) {
          if (part.type === 'tool' && isOpen(part)) {
            this.messages.savePart(interruptTool(part, lastSeen));
            closed.tools++;
          } else if (isUnfinished && (part.type === 'text' || part.type === 'reasoning')) {
            if (!part.time || part.time.end !== undefined) continue;
            this.messages.savePart({ ...part, time: { ...part.time, end: lastSeen } });
            closed.streams++;
          }
        }
        if (isUnfinished) {
          this.messages.saveMessage(closeAnswer(info, lastSeen));
          closed.messages++;
          closed.answers.push({ sessionID, messageID });
        }
      }
      for (const session of this.sessions.compacting()) {
        this.sessions.replace(withoutCompacting(session));
        closed.sessions++;
      }
      return closed;
    });
  }
}

function isOpen(part: ToolPart): boolean {
  return part.state.status === 'pending' || part.state.status === 'running';
}

/**
 * The last moment the message is known to have been worked on: the newest time it or its parts
 * record. Used as the end of everything left open in it rather than the time of this start-up,
 * which could be hours later and would make a turn cut short look long.
 */
function lastActivity(info: MessageInfo, parts: Part[]): number {
  let last = info.role === 'assistant' ? (info.time.completed ?? 0) : 0;
  last = Math.max(last, info.time.created);
  for (const part of parts) last = Math.max(last, ...partTimes(part));
  return last;
}

/** The times a part records of its own progress (ms since the epoch). */
function partTimes(part: Part): number[] {
  switch (part.type) {
    case 'text':
    case 'reasoning':
      return part.time ? [part.time.start, part.time.end ?? 0] : [];
    case 'tool': {
      const { state } = part;
      if (state.status === 'pending') return [];
      return state.status === 'running' ? [state.time.start] : [state.time.start, state.time.end];
    }
    case 'retry':
      return [part.time.created];
    default:
      return [];
  }
}

/** The tool call as an error, as the agent loop stores a tool an abort cut short. */
function interruptTool(part: ToolPart, lastSeen: number): ToolPart {
  const { state } = part;
  const start = state.status === 'running' ? state.time.start : lastSeen;
  const metadata = state.status === 'running' ? state.metadata : undefined;
  return {
    ...part,
    state: {
      status: 'error',
      input: state.input,
      error: TOOL_INTERRUPTED_ERROR,
      metadata: { ...metadata, interrupted: true },
      time: { start, end: Math.max(start, lastSeen) },
    },
  };
}

function closeAnswer(info: AssistantMessage, lastSeen: number): AssistantMessage {
  return {
    ...info,
    time: { ...info.time, completed: lastSeen },
    error: info.error ?? SERVER_STOPPED_ERROR,
  };
}

/**
 * The session without `time.compacting`. `time.updated` is kept: nobody changed the session, a
 * process died, and a bump would move every such session to the top of the lists.
 */
function withoutCompacting(session: Session): Session {
  const time = { ...session.time };
  delete time.compacting;
  return { ...session, time };
}
