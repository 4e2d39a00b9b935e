import { Injectable } from '@nestjs/common';
import { BusService } from '../core/bus/bus.service';
import type { Instance } from '../core/instance/instance';
import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import type { Session, SessionSummaryDto } from '../session/dto/session.dto';
import { MessageService } from '../session/message.service';
import { MessageNotFoundError } from '../session/session.errors';
import { SessionService } from '../session/session.service';
import { recordedChanges, splitAtRevert, turnOf } from './session-changes';
import { SnapshotService } from './snapshot.service';
import type { FileDiff } from './snapshot.types';

/**
 * The files a session's turns changed, from the snapshots and patches the agent loop records on
 * their steps: from the snapshot at the start of the first step to the files now (or to the end
 * of a turn), limited to the files the steps' patches name, so the user's own edits elsewhere
 * are not counted as the session's.
 */
@Injectable()
export class SessionDiffService {
  constructor(
    private readonly sessions: SessionService,
    private readonly messages: MessageService,
    private readonly snapshots: SnapshotService,
    private readonly bus: BusService,
  ) {}

  /**
   * `GET /session/:id/diff`: what the session's turns changed, up to now; with `messageID`,
   * what that message's turn changed (to the end of the turn). Reverted turns are left out of
   * the session's changes. Unknown session or message: 404.
   */
  async diff(instance: Instance, sessionID: string, messageID?: string): Promise<FileDiff[]> {
    const session = this.sessions.get(sessionID);
    const conversation = this.messages.conversation(sessionID);
    if (messageID === undefined) {
      return this.changes(instance, splitAtRevert(conversation, session.revert).kept, 'now');
    }
    const turn = turnOf(conversation, messageID);
    if (turn.length === 0) throw new MessageNotFoundError(sessionID, messageID);
    return this.changes(instance, turn, 'end');
  }

  /**
   * What `messages` (oldest first) changed: from their first step's snapshot to the end of
   * their last step (`end`), or to the files now (`now`), for the files their patches name.
   */
  async changes(
    instance: Instance,
    messages: MessageWithParts[],
    until: 'now' | 'end',
  ): Promise<FileDiff[]> {
    const recorded = recordedChanges(messages);
    if (!recorded.from || recorded.patches.length === 0) return [];
    const files = new Set<string>();
    for (const patch of recorded.patches) {
      for (const file of patch.files) {
        const rel = this.snapshots.relativePath(instance, file);
        if (rel !== undefined) files.add(rel);
      }
    }
    const diffs = await this.snapshots.diff(
      instance,
      recorded.from,
      until === 'end' ? recorded.to : undefined,
    );
    return diffs.filter((diff) => files.has(diff.file));
  }

  /**
   * Recomputes what the session changed: stores the totals as the session's `summary` (and,
   * with `messageID`, the turn's diffs on that user message), then publishes `session.diff`.
   * The agent loop calls this when a turn ends.
   */
  async refresh(instance: Instance, sessionID: string, messageID?: string): Promise<Session> {
    const diffs = await this.diff(instance, sessionID);
    if (messageID !== undefined) await this.summarizeTurn(instance, sessionID, messageID);
    const session = this.sessions.update(instance, sessionID, { summary: summaryOf(diffs) });
    this.bus.publish(instance, 'session.diff', { sessionID, diff: diffs });
    return session;
  }

  /** Stores a turn's diffs in its user message's `summary.diffs`, as the reference does. */
  private async summarizeTurn(instance: Instance, sessionID: string, messageID: string) {
    const { info } = this.messages.getMessage(sessionID, messageID);
    if (info.role !== 'user') return;
    const diffs = await this.diff(instance, sessionID, messageID);
    this.messages.saveMessage(instance, { ...info, summary: { ...info.summary, diffs } });
  }
}

/** A session's `summary`: totals of its diffs. */
export function summaryOf(diffs: FileDiff[]): SessionSummaryDto {
  return {
    additions: diffs.reduce((sum, diff) => sum + diff.additions, 0),
    deletions: diffs.reduce((sum, diff) => sum + diff.deletions, 0),
    files: diffs.length,
  };
}
