import { arch, platform, release } from 'node:os';
import type { ModelInfo } from '../provider/provider.types';

/*
 * What the reference's built-in plugins add to each model call (their `chat.params` and
 * `chat.headers` hooks), after the per-provider transforms of `provider-transform.ts`:
 *
 * | Plugin         | Which calls                                  | What changes                                                                  |
 * | -------------- | -------------------------------------------- | ----------------------------------------------------------------------------- |
 * | GitHub Copilot | provider id contains `github-copilot`        | `X-GitHub-Api-Version: 2026-06-01`, `X-Interaction-Id` = session id           |
 * |                | a title call                                 | `X-Interaction-Type: agent-session-name-generation`                           |
 * |                | `@ai-sdk/anthropic` models                   | `anthropic-beta: interleaved-thinking-2025-05-14`, `toolStreaming: false`      |
 * |                | subagent sessions, summaries, the continuation after one | `x-initiator: agent` (Copilot bills user requests only)            |
 * |                | API ids containing `gpt`                     | no max output tokens                                                          |
 * | OpenAI (Codex) | provider `openai`                            | `originator: opencode`, `User-Agent: opencode/<version> (<os> <release>; <arch>)`, `session-id`; no max output tokens |
 * | Cerebras       | `@ai-sdk/cerebras` with `max_completion_tokens` in its options | no max output tokens (the option says it)                      |
 */

/** The Copilot API version the reference asks for. */
export const COPILOT_API_VERSION = '2026-06-01';

/** Who a call is for, as the hooks read it. */
export interface HookContext {
  model: Pick<ModelInfo, 'providerID' | 'api'>;
  sessionID: string;
  /** The agent the call is made for: `title` for a session title, `compaction` for a summary. */
  agent?: string;
  /** Set for the calls of a subagent's session. */
  parentSessionID?: string;
  /** Set when the call answers a prompt the server wrote (the continuation after a summary). */
  afterCompaction?: boolean;
}

/** The call settings the `chat.params` hooks may change. */
export interface HookParams {
  maxOutputTokens?: number;
  /** The call's provider options, before they are put under the package's key. */
  options: Record<string, unknown>;
}

/** The `chat.params` hooks: `params` adjusted per provider (a new object; the input is kept). */
export function hookParams(context: HookContext, params: HookParams): HookParams {
  const { providerID, api } = context.model;
  const result: HookParams = { ...params, options: { ...params.options } };
  if (providerID.includes('github-copilot')) {
    if (api.id.includes('gpt')) result.maxOutputTokens = undefined;
    if (api.npm === '@ai-sdk/anthropic') result.options.toolStreaming = false;
  }
  if (providerID === 'openai') result.maxOutputTokens = undefined;
  if (api.npm === '@ai-sdk/cerebras' && result.options.max_completion_tokens !== undefined)
    result.maxOutputTokens = undefined;
  return result;
}

/** The `chat.headers` hooks: the headers the built-in plugins add to a call. */
export function hookHeaders(context: HookContext, version: string): Record<string, string> {
  const { providerID, api } = context.model;
  const headers: Record<string, string> = {};
  if (providerID.includes('github-copilot')) {
    headers['X-GitHub-Api-Version'] = COPILOT_API_VERSION;
    headers['X-Interaction-Id'] = context.sessionID;
    if (context.agent === 'title') headers['X-Interaction-Type'] = 'agent-session-name-generation';
    if (api.npm === '@ai-sdk/anthropic')
      headers['anthropic-beta'] = 'interleaved-thinking-2025-05-14';
    if (context.agent === 'compaction' || context.afterCompaction || context.parentSessionID)
      headers['x-initiator'] = 'agent';
  }
  if (providerID === 'openai') {
    headers.originator = 'opencode';
    headers['User-Agent'] = `opencode/${version} (${platform()} ${release()}; ${arch()})`;
    headers['session-id'] = context.sessionID;
  }
  return headers;
}
