import { Injectable, Optional } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { BusEnvelope } from '../core/bus/bus-event';
import { BusService } from '../core/bus/bus.service';
import { abortError } from '../core/errors/abort-error';
import { IdGenerator } from '../core/id';
import { PendingAnswers, type PendingAnswer } from '../core/pending-answers';
import { PluginHooks } from '../core/plugin/plugin-hooks';
import type { Instance } from '../core/instance/instance';
import type { PermissionRequest } from './permission.types';
import {
  PermissionCorrectedError,
  PermissionDeniedError,
  PermissionNotFoundError,
  PermissionRejectedError,
  PermissionRequestConflictError,
  PermissionRequestNotFoundError,
} from './permission.errors';
import { PermissionAskedEvent, PermissionReply, PermissionToolRef } from './permission.events';
import { evaluate, type PermissionAction, type PermissionRule } from './permission-rules';
import { SavedPermissionRepository, type SavedPermission } from './saved-permission.repository';

export interface AskContext {
  instance: Instance;
  sessionID: string;
  messageID: string;
  callID: string;
  /** Config and agent rules, in precedence order (later wins). */
  rules: readonly PermissionRule[];
  signal: AbortSignal;
}

/**
 * A request made without a tool call waiting on it (`POST /api/session/:id/permission`): asked
 * exactly as a tool's, answered the same way, and nothing runs after the answer.
 */
export interface DetachedRequest {
  instance: Instance;
  sessionID: string;
  rules: readonly PermissionRule[];
  /** A client-chosen id; a fresh `per_` id when absent. */
  id?: string;
  tool?: PermissionToolRef;
}

/** What the rules decide for a request; a refusal names the pattern refused. */
export type PermissionEffect = { action: 'deny'; pattern: string } | { action: 'ask' | 'allow' };

/** An answer to a pending request: the reply, and for a reject what the user said instead. */
export interface PermissionAnswer {
  reply: PermissionReply;
  message?: string;
}

/**
 * Decides whether a tool call may go ahead: a configured `deny` refuses it, configured rules and
 * the project's saved permissions (the "always" answers, kept in the database) may allow it, and
 * otherwise it asks the user through `permission.asked` and waits for `POST
 * /permission/:requestID/reply` (or the deprecated `POST /session/:id/permissions/:permissionID`,
 * or the `/api` reply). A request stays listed until it is answered or its turn ends, so a client
 * that reconnects can still answer it.
 */
@Injectable()
export class PermissionService {
  private readonly pending = new PendingAnswers<PermissionAskedEvent, void>();
  /** The configured rules each pending request was asked under, by request id. */
  private readonly rulesOf = new Map<string, readonly PermissionRule[]>();

  constructor(
    private readonly bus: BusService,
    private readonly ids: IdGenerator,
    private readonly saved: SavedPermissionRepository,
    @Optional() private readonly plugins: PluginHooks = new PluginHooks(),
  ) {}

  async ask(context: AskContext, request: PermissionRequest): Promise<void> {
    const effect = this.evaluate(
      context.instance,
      context.rules,
      request.permission,
      request.patterns,
    );
    if (effect.action === 'deny')
      throw new PermissionDeniedError(request.permission, effect.pattern);
    if (effect.action === 'allow') return;
    const info: PermissionAskedEvent = {
      id: this.ids.ascending('permission'),
      sessionID: context.sessionID,
      permission: request.permission,
      patterns: request.patterns,
      metadata: request.metadata,
      always: request.always,
      tool: { messageID: context.messageID, callID: context.callID },
    };
    const decided = this.plugins.active ? await this.askPlugins(context, info) : 'ask';
    if (decided === 'allow') return;
    if (decided === 'deny') throw new PermissionRejectedError(request.permission, 'plugin');
    // Aborting the turn withdraws the request (the original leaves it listed).
    return this.waitFor(context.instance, info, context.rules, context.signal);
  }

  /** Leaves `info` pending until it is answered or withdrawn, with the rules it was asked under. */
  private async waitFor(
    instance: Instance,
    info: PermissionAskedEvent,
    rules: readonly PermissionRule[],
    signal: AbortSignal,
  ): Promise<void> {
    this.rulesOf.set(info.id, rules);
    try {
      await this.pending.wait(instance, info, signal, () =>
        this.bus.publish(instance, 'permission.asked', info),
      );
    } finally {
      this.rulesOf.delete(info.id);
    }
  }

  /**
   * What the rules say about `patterns` as a whole: a configured `deny` of any pattern wins over
   * everything (a saved approval cannot lift it); otherwise the configured rules then the
   * project's saved permissions decide each pattern (the last matching rule wins, none means
   * ask), and one `deny` or `ask` among them decides the whole. `pattern`: the one that decided.
   */
  evaluate(
    instance: Instance,
    rules: readonly PermissionRule[],
    permission: string,
    patterns: readonly string[],
  ): PermissionEffect {
    const configuredDeny = patterns.find(
      (pattern) => evaluate(rules, permission, pattern) === 'deny',
    );
    if (configuredDeny !== undefined) return { action: 'deny', pattern: configuredDeny };
    const all = [...rules, ...this.savedRules(instance.projectID)];
    const actions = patterns.map((pattern) => evaluate(all, permission, pattern));
    const denied = patterns.find((_, index) => actions[index] === 'deny');
    if (denied !== undefined) return { action: 'deny', pattern: denied };
    return { action: actions.includes('ask') ? 'ask' : 'allow' };
  }

  /**
   * Evaluates a request no tool made and, when the rules say ask, leaves it pending exactly as a
   * tool's (listed, announced, answered by the same routes); a reply only settles it. It is
   * withdrawn with its session. A client id already pending is a conflict (Deliberate
   * difference: 1.18.33 fails with a 500 there).
   */
  askDetached(
    detached: DetachedRequest,
    request: PermissionRequest,
  ): { id: string; effect: PermissionAction } {
    const id = detached.id ?? this.ids.ascending('permission');
    if (this.pending.get(id)) throw new PermissionRequestConflictError(id);
    const { action } = this.evaluate(
      detached.instance,
      detached.rules,
      request.permission,
      request.patterns,
    );
    if (action !== 'ask') return { id, effect: action };
    const info: PermissionAskedEvent = {
      id,
      sessionID: detached.sessionID,
      permission: request.permission,
      patterns: request.patterns,
      metadata: request.metadata,
      always: request.always,
      ...(detached.tool && { tool: detached.tool }),
    };
    // Nobody waits on the outcome: a reject or a withdrawal has nothing left to fail.
    this.waitFor(detached.instance, info, detached.rules, new AbortController().signal).catch(
      () => undefined,
    );
    return { id, effect: 'ask' };
  }

  /**
   * The plugins' `permission.ask` hooks, before the user is asked (status `ask` preset): `allow`
   * proceeds as if answered once, `deny` fails as a rejection, `ask` asks the user.
   * Deliberate difference: 1.18.33 declares this hook and never calls it. The request carries
   * the declared v1 `Permission` fields and the v2 ones, which plugins read either of.
   */
  private async askPlugins(
    context: AskContext,
    info: PermissionAskedEvent,
  ): Promise<'ask' | 'allow' | 'deny'> {
    if (!(await this.plugins.has(context.instance, 'permission.ask'))) return 'ask';
    const input = {
      ...info,
      type: info.permission,
      pattern: info.patterns.length === 1 ? info.patterns[0] : info.patterns,
      messageID: context.messageID,
      callID: context.callID,
      title: info.permission,
      time: { created: Date.now() },
    };
    const output = await this.plugins.trigger(context.instance, 'permission.ask', input, {
      status: 'ask',
    });
    return output.status === 'allow' || output.status === 'deny' ? output.status : 'ask';
  }

  /** The pending requests of an instance (its directory), oldest first. */
  list(instance: Instance): PermissionAskedEvent[] {
    return this.pending.of(instance);
  }

  /** The pending requests of a session, oldest first. */
  listSession(sessionID: string): PermissionAskedEvent[] {
    return this.pending
      .all()
      .map((request) => request.info)
      .filter((info) => info.sessionID === sessionID);
  }

  /** A pending request of `sessionID`; one of another session is as unknown as a missing one. */
  getInSession(sessionID: string, requestID: string): PermissionAskedEvent {
    const request = this.pending.get(requestID);
    if (!request || request.info.sessionID !== sessionID) {
      throw new PermissionRequestNotFoundError(requestID);
    }
    return request.info;
  }

  /** The `/api` reply: to a request of `sessionID` only (else the tagged 404). */
  replyOwned(sessionID: string, requestID: string, answer: PermissionAnswer): void {
    this.getInSession(sessionID, requestID);
    this.settle(this.pending.get(requestID)!, answer);
  }

  /** The saved permissions (the "always" answers), of one project or all. */
  listSaved(projectID?: string): SavedPermission[] {
    return this.saved.list(projectID);
  }

  /** Forgets a saved permission: asked again from now on. An unknown id is no error. */
  removeSaved(id: string): void {
    this.saved.remove(id);
  }

  /** Answers a pending request of any session. An unknown request is a 404. */
  reply(requestID: string, answer: PermissionAnswer): boolean {
    const request = this.pending.get(requestID);
    if (!request) throw new PermissionRequestNotFoundError(requestID);
    this.settle(request, answer);
    return true;
  }

  /**
   * The deprecated per-session answer: a request of another session is as unknown as a missing
   * one (a 404 in the classic error shape).
   */
  replyInSession(sessionID: string, requestID: string, reply: PermissionReply): boolean {
    const request = this.pending.get(requestID);
    if (!request || request.info.sessionID !== sessionID) {
      throw new PermissionNotFoundError(requestID);
    }
    this.settle(request, { reply });
    return true;
  }

  private settle(
    request: PendingAnswer<PermissionAskedEvent, void>,
    { reply, message }: PermissionAnswer,
  ): void {
    const { id: requestID, sessionID, permission } = request.info;
    this.bus.publish(request.instance, 'permission.replied', { sessionID, requestID, reply });
    switch (reply) {
      case 'once':
        request.resolve();
        return;
      case 'reject':
        request.reject(
          message
            ? new PermissionCorrectedError(permission, message)
            : new PermissionRejectedError(permission),
        );
        // The turn stops (or goes on with the user's words): the session's other open
        // questions, from calls of the same step, are refused with it, as the reference does.
        this.rejectOthers(sessionID, requestID);
        return;
      case 'always':
        this.saved.add(request.instance.projectID, permission, request.info.always, () =>
          this.ids.ascending('savedPermission'),
        );
        request.resolve();
        if (request.info.always.length > 0) this.resolveCoveredRequests(request.instance.projectID);
        return;
    }
  }

  private rejectOthers(sessionID: string, answeredID: string): void {
    for (const other of this.pending.all()) {
      const { info } = other;
      if (info.sessionID !== sessionID || info.id === answeredID) continue;
      this.bus.publish(other.instance, 'permission.replied', {
        sessionID,
        requestID: info.id,
        reply: 'reject',
      });
      other.reject(new PermissionRejectedError(info.permission));
    }
  }

  /**
   * A deleted session's requests are withdrawn (its turn is stopped too). What it saved with
   * "always" belongs to the project and stays.
   */
  @OnEvent('session.deleted')
  withdrawSession({ payload }: BusEnvelope<'session.deleted'>): void {
    const { sessionID } = payload.properties;
    for (const request of this.pending.all()) {
      if (request.info.sessionID === sessionID) request.reject(abortError());
    }
  }

  private savedRules(projectID: string): PermissionRule[] {
    return this.saved.list(projectID).map((saved) => ({
      permission: saved.action,
      pattern: saved.resource,
      action: 'allow' as const,
    }));
  }

  /**
   * After an "always", the requests of the project it now covers need no answer: each is
   * evaluated again with the rules it was asked under and the saved permissions.
   */
  private resolveCoveredRequests(projectID: string): void {
    for (const request of this.pending.all()) {
      const { info, instance } = request;
      if (instance.projectID !== projectID) continue;
      const rules = this.rulesOf.get(info.id) ?? [];
      if (this.evaluate(instance, rules, info.permission, info.patterns).action !== 'allow') {
        continue;
      }
      this.bus.publish(instance, 'permission.replied', {
        sessionID: info.sessionID,
        requestID: info.id,
        reply: 'always',
      });
      request.resolve();
    }
  }
}
