import { errorMessage } from '../core/errors/error-message';
import { Injectable, Logger } from '@nestjs/common';
import type { Instance } from '../core/instance/instance';
import { LlmService } from '../llm/llm.service';
import { ProviderService } from '../provider/provider.service';
import type { UserMessage } from '../session/dto/message.dto';
import { SessionService } from '../session/session.service';

const TITLE_PROMPT = `Write a title for a conversation that starts with the user's message below.
Rules: at most 50 characters, in the language of the message, no quotes, no trailing punctuation,
describe the task rather than the person ("Fix login redirect loop", not "User asks about login").
Answer with the title only.`;

const MAX_TITLE_LENGTH = 100;

/**
 * Gives a session with the default title a short title generated from its first prompt, with
 * the small model when one is configured. Runs beside the turn; a failure is only logged.
 */
@Injectable()
export class TitleService {
  private readonly logger = new Logger(TitleService.name);

  constructor(
    private readonly sessions: SessionService,
    private readonly providers: ProviderService,
    private readonly llm: LlmService,
  ) {}

  generateInBackground(instance: Instance, user: UserMessage, text: string): void {
    void this.generate(instance, user, text).catch((error: unknown) =>
      this.logger.warn(`title generation failed for ${user.sessionID}: ${errorMessage(error)}`),
    );
  }

  private async generate(instance: Instance, user: UserMessage, text: string): Promise<void> {
    const resolved =
      (await this.providers.smallModel(instance, user.model.providerID)) ??
      (await this.providers.getModel(instance, user.model.providerID, user.model.modelID));
    const result = await this.llm.generate({
      model: resolved.language,
      // A title is a quick call: the model's lightest variant, as the reference asks for it.
      context: {
        model: resolved.model,
        providerOptions: resolved.provider.options,
        sessionID: user.sessionID,
        small: true,
        agent: 'title',
      },
      maxRetries: 1,
      system: TITLE_PROMPT,
      prompt: text.slice(0, 4_000),
    });
    const title = cleanTitle(result.text);
    if (!title) return;
    // The user may have renamed the session meanwhile: only a default title is replaced.
    const session = this.sessions.get(user.sessionID);
    if (!this.sessions.isDefaultTitle(session.title)) return;
    this.sessions.setTitle(instance, user.sessionID, title);
  }
}

export function cleanTitle(raw: string): string {
  const line = raw
    .replace(/<think>[\s\S]*?<\/think>/g, '')
    .split('\n')
    .map((candidate) => candidate.trim())
    .find(Boolean);
  if (!line) return '';
  const unquoted = line
    .replace(/^["'`]+|["'`]+$/g, '')
    .replace(/[.!]+$/, '')
    .trim();
  return unquoted.length > MAX_TITLE_LENGTH
    ? `${unquoted.slice(0, MAX_TITLE_LENGTH - 1)}…`
    : unquoted;
}
