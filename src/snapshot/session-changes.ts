import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import type { Part, PatchPart } from '../session/dto/part.dto';
import type { SessionRevertDto } from '../session/dto/session.dto';

/** A session's messages split at its revert point. */
export interface RevertSplit {
  /** What the conversation is now: messages before the point (the last one cut at `partID`). */
  kept: MessageWithParts[];
  /** Whole messages from the point on. */
  removedMessages: MessageWithParts[];
  /** Parts from `partID` on, of the message the point is in. */
  removedParts: Part[];
}

/**
 * Splits messages (oldest first) at a session's `revert` point: from `messageID` on everything
 * is reverted, or, with `partID`, that message keeps its parts before the part. A point that no
 * longer exists reverts nothing.
 */
export function splitAtRevert(
  messages: MessageWithParts[],
  revert: SessionRevertDto | undefined,
): RevertSplit {
  const index = revert ? messages.findIndex((message) => message.info.id === revert.messageID) : -1;
  if (!revert || index < 0) return { kept: messages, removedMessages: [], removedParts: [] };
  const message = messages[index];
  const partIndex = revert.partID
    ? message.parts.findIndex((part) => part.id === revert.partID)
    : -1;
  if (partIndex < 0) {
    return {
      kept: messages.slice(0, index),
      removedMessages: messages.slice(index),
      removedParts: [],
    };
  }
  return {
    kept: [
      ...messages.slice(0, index),
      { info: message.info, parts: message.parts.slice(0, partIndex) },
    ],
    removedMessages: messages.slice(index + 1),
    removedParts: message.parts.slice(partIndex),
  };
}

/** The messages of the turn `messageID` belongs to: its user message and the answers to it. */
export function turnOf(messages: MessageWithParts[], messageID: string): MessageWithParts[] {
  const message = messages.find((candidate) => candidate.info.id === messageID);
  if (!message) return [];
  const userID = message.info.role === 'user' ? message.info.id : message.info.parentID;
  return messages.filter(
    ({ info }) => info.id === userID || (info.role === 'assistant' && info.parentID === userID),
  );
}

/** What a range of messages recorded about the files it changed. */
export interface RecordedChanges {
  /** Snapshot at the start of the range's first step. */
  from?: string;
  /** Snapshot at the end of the range's last step; absent while that step is still running. */
  to?: string;
  /** Patches of the range's steps, oldest first. */
  patches: PatchPart[];
}

/** The snapshots and patches the agent loop stored on a range of messages (oldest first). */
export function recordedChanges(messages: MessageWithParts[]): RecordedChanges {
  const changes: RecordedChanges = { patches: [] };
  let running = false;
  for (const part of messages.flatMap((message) => message.parts)) {
    if (part.type === 'step-start') {
      running = true;
      if (part.snapshot && !changes.from) changes.from = part.snapshot;
    } else if (part.type === 'step-finish') {
      running = false;
      if (part.snapshot) changes.to = part.snapshot;
    } else if (part.type === 'patch') {
      changes.patches.push(part);
    }
  }
  if (running) delete changes.to;
  return changes;
}
