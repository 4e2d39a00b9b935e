import type { Instance } from '../core/instance/instance';
import type {
  AssistantError,
  AssistantMessage,
  MessageTokensDto,
  UserMessage,
} from './dto/message.dto';

export interface NewAssistantMessage {
  id: string;
  /** Where the answer is worked on: its `path`. */
  instance: Pick<Instance, 'directory' | 'worktree'>;
  /** The user message it answers: its session, `parentID` and model. */
  prompt: Pick<UserMessage, 'id' | 'sessionID' | 'model' | 'agent'>;
  /** The agent answering (also its `mode`); the prompt's when absent. */
  agent?: string;
  /** A compaction's summary message. */
  summary?: boolean;
  /** An answer that holds only this failure: it is complete as it is made. */
  error?: AssistantError;
}

/**
 * A new assistant message answering `prompt` with the prompt's model, nothing spent yet: the
 * agent loop's answers, a shell command's record, a compaction's summary and the answer that only
 * carries a failure all start here, so the message's shape is written down once.
 */
export function newAssistantMessage(init: NewAssistantMessage): AssistantMessage {
  const { prompt, instance } = init;
  const agent = init.agent ?? prompt.agent;
  const created = Date.now();
  return {
    id: init.id,
    sessionID: prompt.sessionID,
    role: 'assistant',
    time: init.error ? { created, completed: created } : { created },
    parentID: prompt.id,
    modelID: prompt.model.modelID,
    providerID: prompt.model.providerID,
    mode: agent,
    agent,
    // The reasoning variant the prompt asked for, as the reference records it on its answers.
    ...(prompt.model.variant !== undefined && { variant: prompt.model.variant }),
    path: { cwd: instance.directory, root: instance.worktree },
    ...(init.summary && { summary: true }),
    cost: 0,
    tokens: emptyMessageTokens(),
    ...(init.error && { error: init.error }),
  };
}

/** A message's tokens before any model call. */
export function emptyMessageTokens(): MessageTokensDto {
  return { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } };
}
