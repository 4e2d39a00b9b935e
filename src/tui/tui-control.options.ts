/** Limits of the TUI control queue, per instance. */
export interface TuiControlOptions {
  /**
   * How long `GET /tui/control/next` waits for a request before answering 204. The reference
   * waits forever; an answer every 30 s keeps the poll under the idle timeouts of proxies and
   * HTTP clients (undici gives up on headers after 300 s), and the client simply polls again.
   */
  pollTimeoutMs: number;
  /** Unanswered requests (queued, being sent, or taken) beyond which `request()` is refused. */
  queueLimit: number;
}

export const TUI_CONTROL_OPTIONS = Symbol('TuiControlOptions');

export const DEFAULT_TUI_CONTROL_OPTIONS: TuiControlOptions = {
  pollTimeoutMs: 30_000,
  queueLimit: 64,
};

/**
 * The options from the environment (`OPENCODE_TUI_CONTROL_POLL_TIMEOUT_MS`,
 * `OPENCODE_TUI_CONTROL_QUEUE_LIMIT`), each a positive integer; anything else keeps the default.
 */
export function tuiControlOptionsFrom(
  variables: Readonly<Record<string, string | undefined>>,
): TuiControlOptions {
  return {
    pollTimeoutMs:
      positiveInteger(variables.OPENCODE_TUI_CONTROL_POLL_TIMEOUT_MS) ??
      DEFAULT_TUI_CONTROL_OPTIONS.pollTimeoutMs,
    queueLimit:
      positiveInteger(variables.OPENCODE_TUI_CONTROL_QUEUE_LIMIT) ??
      DEFAULT_TUI_CONTROL_OPTIONS.queueLimit,
  };
}

function positiveInteger(value: string | undefined): number | undefined {
  if (!value || !/^\d+$/.test(value.trim())) return undefined;
  const parsed = Number(value.trim());
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : undefined;
}
