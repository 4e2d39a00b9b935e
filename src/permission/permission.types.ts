/**
 * The permission area's vocabulary, which the tools and the agent loop speak: what a tool asks the
 * user before acting, and the error of a request the user turned down.
 */

/** What a tool asks the user before acting (`permission.asked`). */
export interface PermissionRequest {
  /** The permission key of the config (`edit`, `bash`, `webfetch`, `external_directory`, ...). */
  permission: string;
  /** What this call touches (`git log --oneline`, a file path): matched against the rules. */
  patterns: string[];
  /** What an "always" answer approves from now on in this session (`git log *`). */
  always: string[];
  metadata: Record<string, unknown>;
}

/**
 * The user said no (a permission or a question rejected without a word). The tool fails with this
 * error, and the turn stops after the step, as the reference does, unless config
 * `experimental.continue_loop_on_deny` is set: the model should not carry on against a refusal.
 */
export class UserRejectedError extends Error {}
