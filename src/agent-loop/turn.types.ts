import type { LanguageModel } from 'ai';
import type { Instance } from '../core/instance/instance';
import type { CallContext } from '../llm/llm.service';
import type { PermissionRule } from '../permission/permission-rules';
import type { ModelCost, ModelInfo } from '../provider/provider.types';
import type { AssistantMessage, UserMessage } from '../session/dto/message.dto';
import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import type { ToolOutputLimit } from '../tool/tool-output-limit';
import type { ToolDefinition } from '../tool/tool.types';

/** What a turn answers: its last assistant message (failures are stored on it, never thrown). */
export interface TurnResult {
  info: AssistantMessage;
  parts: MessageWithParts['parts'];
}

/**
 * Everything one turn needs, resolved once before its first step. The pieces of the loop share
 * it, and three fields change as the turn goes: `user` (the prompt the next step answers: a
 * continuation after a compaction), `rejected` and `snapshot`.
 */
export interface TurnSetup {
  instance: Instance;
  user: UserMessage;
  agentName: string;
  language: LanguageModel;
  /**
   * The model, provider options, variant and agent options of the turn's calls: what the
   * per-provider adjustments of each call read.
   */
  call: CallContext;
  prices: ModelCost;
  /** The model's context window, for the overflow check after each step. */
  limit: ModelInfo['limit'];
  /**
   * Config `compaction`: summarize on overflow and clear old tool outputs after each turn (both
   * on unless false), and the tokens kept free for an answer.
   */
  compaction: { auto: boolean; prune: boolean; reserved?: number };
  /** Config `tool_output`: where the output of a tool without limits of its own is cut. */
  toolOutput: ToolOutputLimit;
  /** Config `experimental.continue_loop_on_deny`: a rejected permission or question does not stop the turn. */
  continueOnReject: boolean;
  /** Set when the user rejected a tool call: the turn ends once the current step is over. */
  rejected: boolean;
  system: string[];
  rules: PermissionRule[];
  tools: ToolDefinition[];
  maxSteps: number;
  temperature?: number;
  topP?: number;
  signal: AbortSignal;
  /**
   * The worktree snapshot as of the end of the previous step: nothing of the turn runs between
   * two steps, so it is the next step's start snapshot and saves a snapshot per step.
   */
  snapshot?: string;
}
