import { Instance } from '../../src/core/instance/instance';
import type { PermissionRequest } from '../../src/permission/permission.types';
import type { ToolContext } from '../../src/tool/tool.types';

/** What `ask` throws when the test rejects a request (as the permission service would). */
export class FakePermissionRejected extends Error {
  override readonly name = 'PermissionRejectedError';
  constructor(readonly request: PermissionRequest) {
    super(`The user rejected permission to use this specific tool call (${request.permission})`);
  }
}

export interface FakeToolContextOptions {
  /** The git worktree of the project; defaults to `directory`. Pass '/' for a non-git project. */
  worktree?: string;
  sessionID?: string;
  /** Decides each `ask`: true allows, false rejects. Defaults to allowing everything. */
  answer?: (request: PermissionRequest) => boolean;
}

export interface FakeToolContext extends ToolContext {
  /** Every permission request made, in order. */
  asked: PermissionRequest[];
  /** Progress updates reported by the tool. */
  progressUpdates: { title?: string; metadata?: Record<string, unknown> }[];
  /** Aborts `abort`, as aborting the turn does. */
  abortTurn(reason?: unknown): void;
}

/** A ToolContext over a real directory, with asks recorded and answered by the test. */
export function fakeToolContext(
  directory: string,
  options: FakeToolContextOptions = {},
): FakeToolContext {
  const controller = new AbortController();
  const instance = new Instance(directory, {
    id: 'test-project',
    worktree: options.worktree ?? directory,
    ...(options.worktree === '/' ? {} : { vcs: 'git' as const }),
  });
  const asked: PermissionRequest[] = [];
  const progressUpdates: FakeToolContext['progressUpdates'] = [];
  return {
    instance,
    sessionID: options.sessionID ?? 'ses_test',
    messageID: 'msg_test',
    callID: 'call_test',
    agent: 'build',
    abort: controller.signal,
    asked,
    progressUpdates,
    ask(request) {
      asked.push(request);
      const allowed = options.answer ? options.answer(request) : true;
      return allowed ? Promise.resolve() : Promise.reject(new FakePermissionRejected(request));
    },
    progress(update) {
      progressUpdates.push(update);
    },
    abortTurn(reason?: unknown) {
      controller.abort(reason);
    },
  };
}
