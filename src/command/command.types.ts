/** A command as the reference's `Command` component. */
export interface CommandInfo {
  name: string;
  description?: string;
  /** The agent that runs it; default: the session's. */
  agent?: string;
  /** `provider/model` that runs it; default: the agent's or session's. */
  model?: string;
  source?: 'command' | 'mcp' | 'skill';
  /** The prompt, with `$ARGUMENTS` and `$1`.. placeholders (see `renderTemplate`). */
  template: string;
  /** Run it as a subtask (a child session) rather than in the session itself. */
  subtask?: boolean;
  /** The placeholders the template uses, for clients to prompt for arguments. */
  hints: string[];
}

/** A command as the v2 API (`GET /api/command`) lists it: the reference's `CommandV2Info`. */
export interface CommandV2Info {
  name: string;
  template: string;
  description?: string;
  agent?: string;
  model?: { id: string; providerID: string; variant?: string };
  subtask?: boolean;
}
