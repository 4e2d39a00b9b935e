import { compareIds } from '../core/id';
import type { UserMessage } from '../session/dto/message.dto';
import type { MessageWithParts } from '../session/dto/message-with-parts.dto';

/**
 * The conversation up to `user`'s prompt, each prompt followed by its answers: later prompts wait
 * for their own turn. Prompts queued while the session was busy were stored before the answers
 * to earlier ones, so storage order is not conversation order. `conversation` is what the model
 * may see (from the last summary on), as stored.
 */
export function turnHistory(
  conversation: MessageWithParts[],
  user: Pick<UserMessage, 'id'>,
): MessageWithParts[] {
  const answers = new Map<string, MessageWithParts[]>();
  for (const message of conversation) {
    if (message.info.role !== 'assistant') continue;
    const list = answers.get(message.info.parentID) ?? [];
    list.push(message);
    answers.set(message.info.parentID, list);
  }
  // Prompts in the order they reached the server, up to this one: a client-chosen id comes
  // from the client's clock and may sort before earlier prompts; creation times are ours.
  const prompts = conversation
    .filter(({ info }) => info.role === 'user')
    .sort((a, b) => a.info.time.created - b.info.time.created || compareIds(a.info.id, b.info.id));
  const current = prompts.findIndex(({ info }) => info.id === user.id);
  return prompts
    .slice(0, current < 0 ? prompts.length : current + 1)
    .flatMap((prompt) => [prompt, ...(answers.get(prompt.info.id) ?? [])]);
}
