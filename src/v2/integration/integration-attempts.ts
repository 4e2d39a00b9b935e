import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { IdGenerator } from '../../core/id';
import type { Instance } from '../../core/instance/instance';
import type { StartedLogin } from '../../provider/oauth/provider-auth.service';

/** How long an attempt may stay pending, as the reference. */
export const ATTEMPT_TTL_MS = 10 * 60_000;
/** How long a finished attempt's status can still be read, as the reference. */
const FINISHED_TTL_MS = 60_000;
/** Attempts kept at most; the oldest finished (else the oldest pending) makes room. */
const MAX_ATTEMPTS = 64;
const SWEEP_INTERVAL_MS = 30_000;

/** The attempts' time; tests replace `now` to expire an attempt without waiting 10 minutes. */
@Injectable()
export class IntegrationClock {
  now(): number {
    return Date.now();
  }
}

export type AttemptStatus = 'pending' | 'complete' | 'failed' | 'expired';

export interface Attempt {
  id: string;
  integrationID: string;
  methodID: string;
  label?: string;
  mode: 'auto' | 'code';
  time: { created: number; expires: number };
  status: AttemptStatus;
  /** Why it failed (a login's own message, which never carries a secret). */
  message?: string;
  /** A code is being exchanged (`complete` of a code-mode attempt). */
  completing: boolean;
  started: StartedLogin;
  /** Where the attempt was started: its events go there. */
  instance: Instance;
  /** When a finished attempt is forgotten. */
  removeAt?: number;
}

/**
 * The OAuth attempts of `/api/integration/{id}/connect/oauth`, in memory (a login in progress
 * cannot outlive the process anyway: it holds a loopback receiver or a polling loop). Bounded;
 * pending attempts expire after 10 minutes (their login is stopped), finished ones are forgotten
 * a minute later. Expiry is checked at every read and swept every 30 s.
 */
@Injectable()
export class IntegrationAttempts implements OnModuleDestroy {
  private readonly attempts = new Map<string, Attempt>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly clock: IntegrationClock,
    private readonly ids: IdGenerator,
  ) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
    for (const attempt of this.attempts.values()) {
      if (attempt.status === 'pending') attempt.started.stop();
    }
    this.attempts.clear();
  }

  add(
    fields: Pick<Attempt, 'integrationID' | 'methodID' | 'label' | 'mode' | 'started' | 'instance'>,
  ): Attempt {
    this.sweep();
    while (this.attempts.size >= MAX_ATTEMPTS) this.evictOne();
    const created = this.clock.now();
    const attempt: Attempt = {
      ...fields,
      id: this.ids.ascending('attempt'),
      time: { created, expires: created + ATTEMPT_TTL_MS },
      status: 'pending',
      completing: false,
    };
    this.attempts.set(attempt.id, attempt);
    return attempt;
  }

  get(id: string): Attempt | undefined {
    this.sweep();
    return this.attempts.get(id);
  }

  /** Whether `attempt` is still the pending attempt of its id (not cancelled, not expired). */
  isPending(attempt: Attempt): boolean {
    this.sweep();
    return this.attempts.get(attempt.id) === attempt && attempt.status === 'pending';
  }

  /** Forgets the attempt and stops its login; nothing when there is none. */
  cancel(id: string): void {
    const attempt = this.attempts.get(id);
    if (!attempt) return;
    this.attempts.delete(id);
    if (attempt.status === 'pending') attempt.started.stop();
  }

  /**
   * Ends the integration's pending attempts as failed (a newer one replaces them), stopping
   * their logins: a browser login's receiver holds the port its provider registered (ChatGPT's
   * 1455), so a retry could not start while an abandoned attempt waits.
   */
  supersede(integrationID: string): void {
    for (const attempt of this.attempts.values()) {
      if (attempt.integrationID === integrationID && attempt.status === 'pending') {
        this.finish(attempt, 'failed', 'Replaced by a newer attempt');
      }
    }
  }

  complete(attempt: Attempt): void {
    this.finish(attempt, 'complete');
  }

  fail(attempt: Attempt, message: string): void {
    this.finish(attempt, 'failed', message);
  }

  private finish(attempt: Attempt, status: 'complete' | 'failed' | 'expired', message?: string) {
    if (attempt.status !== 'pending') return;
    attempt.status = status;
    attempt.completing = false;
    if (message !== undefined) attempt.message = message;
    attempt.removeAt = this.clock.now() + FINISHED_TTL_MS;
    // Frees what the login holds (its receiver, its polling); a finished login ignores it.
    attempt.started.stop();
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const attempt of [...this.attempts.values()]) {
      if (attempt.status === 'pending' && attempt.time.expires <= now) {
        this.finish(attempt, 'expired');
      } else if (attempt.removeAt !== undefined && attempt.removeAt <= now) {
        this.attempts.delete(attempt.id);
      }
    }
  }

  private evictOne(): void {
    const values = [...this.attempts.values()];
    const victim = values.find((attempt) => attempt.status !== 'pending') ?? values[0];
    this.cancel(victim.id);
  }
}
