import { compareIds } from '../core/id';
import type { UserMessage } from '../session/dto/message.dto';
import type { MessageWithParts } from '../session/dto/message-with-parts.dto';

/**
 * The conversation up to `user`'s prompt, each prompt followed by its answers: later prompts wait
 * for their own turn. Prompts queued while the session was busy were stored before the answers
 * to earlier ones, so storage order is not conversation order. `conversation` is what the model
 * may see (from the last summary on), as stored.
 *
 * User messages that get no turn of their own (stored with `noReply`, which plugins do while a
 * turn runs to hand it context) are read by the turn that was running when they arrived, from its
 * next step on, as the reference's loop takes new input: each goes among the answers of the last
 * turn that had started answering by then, in time order, or before everything when none had.
 * `isQueued` tells the prompts still waiting for their own turn, which are not read early.
 */
export function turnHistory(
  conversation: MessageWithParts[],
  user: Pick<UserMessage, 'id'>,
  isQueued: (messageID: string) => boolean = () => false,
): MessageWithParts[] {
  const answers = new Map<string, MessageWithParts[]>();
  for (const message of conversation) {
    if (message.info.role !== 'assistant') continue;
    const list = answers.get(message.info.parentID) ?? [];
    list.push(message);
    answers.set(message.info.parentID, list);
  }
  // Prompts in the order they reached the server: a client-chosen id comes from the client's
  // clock and may sort before earlier prompts; creation times are ours.
  const prompts = conversation
    .filter(({ info }) => info.role === 'user')
    .sort((a, b) => a.info.time.created - b.info.time.created || compareIds(a.info.id, b.info.id));
  const isAside = ({ info }: MessageWithParts): boolean =>
    info.id !== user.id && !answers.has(info.id) && !isQueued(info.id);
  const turns = prompts
    .filter((prompt) => !isAside(prompt))
    .map((prompt) => ({ prompt, answers: answers.get(prompt.info.id) ?? [] }));
  const before: MessageWithParts[] = [];
  for (const aside of prompts.filter(isAside)) {
    const created = aside.info.time.created;
    const running = turns.findLast(
      (turn) => turn.answers.length > 0 && turn.answers[0].info.time.created <= created,
    );
    if (!running) {
      before.push(aside);
      continue;
    }
    const next = running.answers.findIndex((answer) => answer.info.time.created > created);
    running.answers.splice(next < 0 ? running.answers.length : next, 0, aside);
  }
  const current = turns.findIndex((turn) => turn.prompt.info.id === user.id);
  return [
    ...before,
    ...turns
      .slice(0, current < 0 ? turns.length : current + 1)
      .flatMap((turn) => [turn.prompt, ...turn.answers]),
  ];
}
