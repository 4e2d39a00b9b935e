import { Injectable, Optional } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { BusEnvelope } from '../core/bus/bus-event';
import { BusService } from '../core/bus/bus.service';
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
  PermissionRequestNotFoundError,
} from './permission.errors';
import { PermissionAskedEvent, PermissionReply } from './permission.events';
import { evaluate, PermissionRule } from './permission-rules';

export interface AskContext {
  instance: Instance;
  sessionID: string;
  messageID: string;
  callID: string;
  /** Config and agent rules, in precedence order (later wins). */
  rules: readonly PermissionRule[];
  signal: AbortSignal;
}

/** An answer to a pending request: the reply, and for a reject what the user said instead. */
export interface PermissionAnswer {
  reply: PermissionReply;
  message?: string;
}

/**
 * Decides whether a tool call may go ahead: configured rules first (allow / deny without asking),
 * then the patterns this session already approved with "always", and otherwise it asks the user
 * through `permission.asked` and waits for `POST /permission/:requestID/reply` (or the deprecated
 * `POST /session/:id/permissions/:permissionID`). A request stays listed until it is answered or
 * its turn ends, so a client that reconnects can still answer it.
 */
@Injectable()
export class PermissionService {
  private readonly pending = new PendingAnswers<PermissionAskedEvent, void>();
  /** Patterns approved "always", per session and permission. */
  private readonly approved = new Map<string, PermissionRule[]>();

  constructor(
    private readonly bus: BusService,
    private readonly ids: IdGenerator,
    @Optional() private readonly plugins: PluginHooks = new PluginHooks(),
  ) {}

  async ask(context: AskContext, request: PermissionRequest): Promise<void> {
    const rules = [...context.rules, ...(this.approved.get(context.sessionID) ?? [])];
    const actions = request.patterns.map((pattern) => ({
      pattern,
      action: evaluate(rules, request.permission, pattern),
    }));
    const denied = actions.find((entry) => entry.action === 'deny');
    if (denied) throw new PermissionDeniedError(request.permission, denied.pattern);
    if (actions.every((entry) => entry.action === 'allow')) return;
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
    return this.pending.wait(context.instance, info, context.signal, () =>
      this.bus.publish(context.instance, 'permission.asked', info),
    );
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
        this.remember(sessionID, permission, request.info.always);
        request.resolve();
        this.resolveCoveredRequests(sessionID);
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

  /** Forgets what a deleted session approved. */
  @OnEvent('session.deleted')
  forgetSession({ payload }: BusEnvelope<'session.deleted'>): void {
    const { sessionID } = payload.properties;
    this.approved.delete(sessionID);
  }

  private remember(sessionID: string, permission: string, patterns: string[]): void {
    const rules = this.approved.get(sessionID) ?? [];
    rules.push(...patterns.map((pattern) => ({ permission, pattern, action: 'allow' as const })));
    this.approved.set(sessionID, rules);
  }

  /** After an "always", other questions of the session that it now covers need no answer. */
  private resolveCoveredRequests(sessionID: string): void {
    const approved = this.approved.get(sessionID) ?? [];
    for (const request of this.pending.all()) {
      const { info } = request;
      if (info.sessionID !== sessionID) continue;
      if (
        info.patterns.every((pattern) => evaluate(approved, info.permission, pattern) === 'allow')
      ) {
        this.bus.publish(request.instance, 'permission.replied', {
          sessionID,
          requestID: info.id,
          reply: 'always',
        });
        request.resolve();
      }
    }
  }
}
