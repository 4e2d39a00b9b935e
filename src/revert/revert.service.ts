import { Injectable } from '@nestjs/common';
import { BusService } from '../core/bus/bus.service';
import type { Instance } from '../core/instance/instance';
import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import type { Session, SessionRevertDto } from '../session/dto/session.dto';
import { MessageService } from '../session/message.service';
import { SessionRunRegistry } from '../session/session-run.registry';
import { SessionStatusService } from '../session/session-status.service';
import { MessageNotFoundError, SessionBusyError } from '../session/session.errors';
import { SessionService } from '../session/session.service';
import { KeyedQueue } from '../core/keyed-queue';
import { splitAtRevert } from '../snapshot/session-changes';
import { SessionDiffService, summaryOf } from '../snapshot/session-diff.service';
import { SnapshotService } from '../snapshot/snapshot.service';
import type { FileDiff, SnapshotPatch } from '../snapshot/snapshot.types';
import { PartNotFoundError } from './revert.errors';

export interface RevertInput {
  messageID: string;
  partID?: string;
  /**
   * Revert from exactly this message on: an answer is not widened to its whole turn (the `/api`
   * revert keeps its boundary message and reverts what follows it).
   */
  exact?: boolean;
}

/** A revert done: the session with its `revert`, and the files it changed back. */
export interface RevertOutcome {
  session: Session;
  undone: FileDiff[];
}

/**
 * Undoing a session's turns. A revert puts the files changed from a message on back as they were
 * (from the turns' patch parts) and marks the session with the point; the messages stay, for
 * clients to hide, until the next prompt deletes them (`cleanup`) or `unrevert` brings the
 * files back. Refused while the session is busy: a running turn would write over the result.
 * Reverts, unreverts and clean-ups of one session run one at a time.
 */
@Injectable()
export class RevertService {
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly sessions: SessionService,
    private readonly messages: MessageService,
    private readonly snapshots: SnapshotService,
    private readonly diffs: SessionDiffService,
    private readonly runs: SessionRunRegistry,
    private readonly statuses: SessionStatusService,
    private readonly bus: BusService,
  ) {}

  /**
   * Reverts `messageID` and everything after it (from `partID` on, when the message keeps
   * something worth keeping before that part): the files those turns changed are restored, and
   * the session's `revert` records the point, the snapshot taken before (for `unrevert`) and
   * the diff. Reverting an answer as a whole reverts its turn, prompt included, as the
   * reference does. Returns the updated session; publishes `session.diff` with what was undone.
   */
  async revert(instance: Instance, sessionID: string, input: RevertInput): Promise<Session> {
    return (await this.revertFiles(instance, sessionID, input)).session;
  }

  /** {@link revert}, answering also what it changed back. */
  async revertFiles(
    instance: Instance,
    sessionID: string,
    input: RevertInput,
  ): Promise<RevertOutcome> {
    this.assertIdle(sessionID);
    return this.queue.run(sessionID, async () => {
      this.assertIdle(sessionID);
      const session = this.sessions.get(sessionID);
      const conversation = this.messages.conversation(sessionID);
      const point = revertPoint(sessionID, conversation, input);
      const reverted = revertedMessages(conversation, point);
      const patches = patchesOf(reverted);
      // A revert of a reverted session starts from the files as they were before the first
      // revert (so moving the point later brings turns back) and keeps that snapshot for
      // unrevert.
      if (session.revert) await this.restoreReverted(instance, conversation, session.revert);
      const snapshot = session.revert?.snapshot ?? (await this.snapshots.track(instance));
      await this.snapshots.revertFiles(instance, patches);
      const diff = snapshot ? await this.snapshots.diffText(instance, snapshot) : '';
      const undone = await this.diffs.changes(instance, reverted, 'end');
      const revert: SessionRevertDto = {
        messageID: point.messageID,
        ...(point.partID && { partID: point.partID }),
        ...(snapshot && { snapshot }),
        ...(diff && { diff }),
      };
      const updated = this.sessions.update(instance, sessionID, {
        revert,
        summary: summaryOf(undone),
      });
      this.bus.publish(instance, 'session.diff', { sessionID, diff: undone });
      return { session: updated, undone };
    });
  }

  /**
   * Puts the files the revert changed back as they were before it and clears `revert`; the
   * session's changes are recomputed and published as `session.diff`. A session without a
   * revert is returned unchanged. (The reference writes every file of the snapshot back, which
   * also overwrites edits made since in files the revert never touched.)
   */
  async unrevert(instance: Instance, sessionID: string): Promise<Session> {
    this.assertIdle(sessionID);
    return this.queue.run(sessionID, async () => {
      this.assertIdle(sessionID);
      const session = this.sessions.get(sessionID);
      const { revert } = session;
      if (!revert) return session;
      const conversation = this.messages.conversation(sessionID);
      await this.restoreReverted(instance, conversation, revert);
      const changes = await this.diffs.changes(instance, conversation, 'now');
      const updated = this.sessions.update(instance, sessionID, {
        revert: null,
        summary: summaryOf(changes),
      });
      this.bus.publish(instance, 'session.diff', { sessionID, diff: changes });
      return updated;
    });
  }

  /**
   * Deletes what a revert hid (the messages from the point on, or the parts from `partID` on)
   * and clears `revert`, making the revert final. The agent loop calls this when a new prompt
   * arrives, before storing it; a session without a revert is left as it is.
   */
  async cleanup(instance: Instance, sessionID: string): Promise<void> {
    await this.queue.run(sessionID, () => {
      const session = this.sessions.get(sessionID);
      if (!session.revert) return Promise.resolve();
      const split = splitAtRevert(this.messages.conversation(sessionID), session.revert);
      for (const message of split.removedMessages) {
        this.messages.removeMessage(instance, sessionID, message.info.id);
      }
      for (const part of split.removedParts) {
        this.messages.removePart(instance, sessionID, part.messageID, part.id);
      }
      this.sessions.update(instance, sessionID, { revert: null });
      return Promise.resolve();
    });
  }

  /**
   * Puts the files a revert changed back to the snapshot taken before it; a file that did not
   * exist then (one the revert recreated) is deleted again.
   */
  private async restoreReverted(
    instance: Instance,
    conversation: MessageWithParts[],
    revert: SessionRevertDto,
  ): Promise<void> {
    if (!revert.snapshot) return;
    const files = patchesOf(revertedMessages(conversation, revert)).flatMap((patch) => patch.files);
    await this.snapshots.revertFiles(instance, [{ hash: revert.snapshot, files }]);
  }

  private assertIdle(sessionID: string): void {
    this.sessions.assertExists(sessionID);
    if (this.runs.isRunning(sessionID) || this.statuses.get(sessionID).type !== 'idle') {
      throw new SessionBusyError(sessionID);
    }
  }
}

/**
 * Where a revert of `input` starts, as the reference decides it: a message reverted as a whole
 * (no part, or only parts without text or tool calls before the part) starts at its turn's
 * prompt. Unknown message or part: 404.
 */
function revertPoint(
  sessionID: string,
  conversation: MessageWithParts[],
  input: RevertInput,
): SessionRevertDto {
  const message = conversation.find((candidate) => candidate.info.id === input.messageID);
  if (!message) throw new MessageNotFoundError(sessionID, input.messageID);
  const { info } = message;
  if (input.exact && input.partID === undefined) return { messageID: info.id };
  const prompt = info.role === 'assistant' ? info.parentID : info.id;
  // An answer whose prompt was deleted is its own turn.
  const turnStart = conversation.some((candidate) => candidate.info.id === prompt)
    ? prompt
    : info.id;
  if (input.partID === undefined) return { messageID: turnStart };
  const index = message.parts.findIndex((part) => part.id === input.partID);
  if (index < 0) throw new PartNotFoundError(input.messageID, input.partID);
  const keepsContent = message.parts
    .slice(0, index)
    .some((part) => part.type === 'text' || part.type === 'tool');
  return keepsContent ? { messageID: info.id, partID: input.partID } : { messageID: turnStart };
}

/** The messages (the cut message with its parts from the point on) a revert at `point` undoes. */
function revertedMessages(
  conversation: MessageWithParts[],
  point: SessionRevertDto,
): MessageWithParts[] {
  const split = splitAtRevert(conversation, point);
  const cut = split.removedParts[0];
  if (!cut) return split.removedMessages;
  const message = conversation.find(({ info }) => info.id === cut.messageID)!;
  return [{ info: message.info, parts: split.removedParts }, ...split.removedMessages];
}

/** The patch parts of `messages`, oldest first, as snapshot patches. */
function patchesOf(messages: MessageWithParts[]): SnapshotPatch[] {
  return messages
    .flatMap((message) => message.parts)
    .flatMap((part) => (part.type === 'patch' ? [{ hash: part.hash, files: part.files }] : []));
}
