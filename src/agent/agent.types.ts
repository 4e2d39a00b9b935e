import type { AgentMode } from '../config/config.schema';
import type { ModelRef } from '../provider/provider.types';
import type { PermissionRule } from './agent-permissions';

/** An agent as the reference's `Agent` component. */
export interface AgentInfo {
  name: string;
  description?: string;
  /** `primary` agents are picked by the user, `subagent`s by the `task` tool, `all` both. */
  mode: AgentMode;
  /** Built into the server (the reference's flag name). */
  native?: boolean;
  /** Internal agents (compaction, title, summary) that clients do not offer. */
  hidden?: boolean;
  topP?: number;
  temperature?: number;
  color?: string;
  /** The agent's rules; the last matching rule decides (see `agent-permissions.ts`). */
  permission: PermissionRule[];
  /** Pinned model; otherwise the session's or the default model. */
  model?: ModelRef;
  variant?: string;
  /** The system prompt; absent means the loop's default prompt. */
  prompt?: string;
  /** Provider options for the model calls of this agent. */
  options: Record<string, unknown>;
  /** Maximum model steps of one turn; absent means the loop's default. */
  steps?: number;
}
