import { Injectable } from '@nestjs/common';
import { RevertService } from '../../../revert/revert.service';
import { MessageService } from '../../../session/message.service';
import { SessionService } from '../../../session/session.service';
import { SnapshotService } from '../../../snapshot/snapshot.service';
import type { FileDiff } from '../../../snapshot/snapshot.types';
import type { RevertStateDto } from '../dto/revert-state.dto';
import { SessionEventLog } from '../log/session-event-log.service';
import { MessageNotFoundV2Error } from '../session-v2.errors';
import { SessionV2Service } from '../session-v2.service';

/**
 * The `/api` revert, in stages: `stage` puts the files back as they were before the turns that
 * follow a boundary message (the messages stay listed), `clear` undoes that, `commit` deletes
 * the messages after the boundary and keeps the files as restored. The files are restored by
 * the classic revert (snapshots), from the message right after the boundary.
 */
@Injectable()
export class RevertStagingService {
  constructor(
    private readonly sessions: SessionV2Service,
    private readonly classic: SessionService,
    private readonly messages: MessageService,
    private readonly reverts: RevertService,
    private readonly snapshots: SnapshotService,
    private readonly log: SessionEventLog,
  ) {}

  async stage(sessionID: string, messageID: string, files = true): Promise<RevertStateDto> {
    const { session, instance } = await this.sessions.open(sessionID);
    const conversation = this.messages.conversation(sessionID);
    const index = conversation.findIndex((message) => message.info.id === messageID);
    if (index < 0) throw new MessageNotFoundV2Error(sessionID, messageID);
    const next = conversation[index + 1];
    let revert: RevertStateDto = { messageID };
    if (files && next) {
      const outcome = await this.reverts.revertFiles(instance, sessionID, {
        messageID: next.info.id,
        exact: true,
      });
      const { snapshot, diff } = outcome.session.revert ?? {};
      // What restoring changed, as `diff` says it (a file the turns created is `deleted`):
      // the snapshot taken before the restore against the files now. The classic revert's
      // own list is the other way round, what the turns did.
      const restored = snapshot ? await this.snapshots.diff(instance, snapshot) : [];
      const sections = sectionsOf(diff ?? '');
      revert = {
        messageID,
        ...(snapshot && { snapshot }),
        ...(diff && { diff }),
        files: restored.map((file) => fileOf(file, sections.get(file.file))),
      };
    } else if (session.revert) {
      // Staged again without touching the files: the files of an earlier stage come back.
      await this.reverts.unrevert(instance, sessionID);
    }
    this.log.append(instance, sessionID, 'revert.staged', { revert });
    return revert;
  }

  /** Puts the files back as they were before the stage; nothing staged: nothing to do. */
  async clear(sessionID: string): Promise<void> {
    const { session, instance } = await this.sessions.open(sessionID);
    if (!this.sessions.revertOf(sessionID)) return;
    if (session.revert) await this.reverts.unrevert(instance, sessionID);
    this.log.append(instance, sessionID, 'revert.cleared', {});
  }

  /** Deletes the messages after the boundary; the files stay as the stage restored them. */
  async commit(sessionID: string): Promise<void> {
    const { instance } = await this.sessions.open(sessionID);
    const staged = this.sessions.revertOf(sessionID);
    if (!staged) return;
    const conversation = this.messages.conversation(sessionID);
    const index = conversation.findIndex((message) => message.info.id === staged.messageID);
    for (const message of index < 0 ? [] : conversation.slice(index + 1)) {
      this.messages.removeMessage(instance, sessionID, message.info.id);
    }
    this.classic.update(instance, sessionID, { revert: null });
    this.log.append(instance, sessionID, 'revert.committed', { messageID: staged.messageID });
  }
}

/** A file of the revert; its patch is its part of `diff` (git's format), as the reference has it. */
function fileOf(diff: FileDiff, section?: string): NonNullable<RevertStateDto['files']>[number] {
  return {
    path: diff.file,
    status: diff.status,
    additions: diff.additions,
    deletions: diff.deletions,
    patch: section ?? diff.patch ?? '',
  };
}

const HEADER = 'diff --git a/';

/**
 * The sections of a git diff by path, each ending with a newline. Without renames a header
 * names the same path twice (`diff --git a/<path> b/<path>`), which finds where the path ends
 * even when it has spaces; a quoted header (unusual characters) is left out.
 */
function sectionsOf(diff: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const section of diff.split(/^(?=diff --git )/m)) {
    if (!section.startsWith(HEADER)) continue;
    const end = section.indexOf('\n');
    const header = section.slice(HEADER.length, end < 0 ? undefined : end);
    const path = header.slice(0, (header.length - ' b/'.length) / 2);
    if (header !== `${path} b/${path}`) continue;
    sections.set(path, section.endsWith('\n') ? section : `${section}\n`);
  }
  return sections;
}
