import { Injectable } from '@nestjs/common';

/**
 * The prompts waiting in their session's queue for a turn of their own. A running turn reads the
 * user messages stored after its prompt that will get no turn (`noReply` ones), and must not
 * read these: they are answered later, each in its own turn.
 */
@Injectable()
export class QueuedPrompts {
  private readonly waiting = new Set<string>();

  add(messageID: string): void {
    this.waiting.add(messageID);
  }

  /** The prompt's turn starts (or was skipped): it waits no more. */
  remove(messageID: string): void {
    this.waiting.delete(messageID);
  }

  has(messageID: string): boolean {
    return this.waiting.has(messageID);
  }
}
