import { IdGenerator } from '../../core/id';
import type { Instance } from '../../core/instance/instance';
import type { PendingLogin } from '../../provider/oauth/login-method';
import { ATTEMPT_TTL_MS, IntegrationAttempts, IntegrationClock } from './integration-attempts';

describe('IntegrationAttempts', () => {
  let now: number;
  let attempts: IntegrationAttempts;
  let stopped: string[];

  beforeEach(() => {
    now = 1_000_000;
    stopped = [];
    const clock = new IntegrationClock();
    jest.spyOn(clock, 'now').mockImplementation(() => now);
    attempts = new IntegrationAttempts(clock, new IdGenerator());
  });
  afterEach(() => attempts.onModuleDestroy());

  const start = (integrationID = 'openai') =>
    attempts.add({
      integrationID,
      methodID: 'm',
      mode: 'code',
      instance: {} as Instance,
      started: { login: {} as PendingLogin, stop: () => stopped.push(integrationID) },
    });

  it('creates pending attempts (con_ ids) that expire after 10 minutes, stopping their login', () => {
    const attempt = start();
    expect(attempt.id).toMatch(/^con_/);
    expect(attempt.time).toEqual({ created: now, expires: now + ATTEMPT_TTL_MS });
    now += ATTEMPT_TTL_MS - 1;
    expect(attempts.get(attempt.id)?.status).toBe('pending');
    now += 1;
    expect(attempts.get(attempt.id)?.status).toBe('expired');
    expect(attempts.isPending(attempt)).toBe(false);
    expect(stopped).toEqual(['openai']);
  });

  it('keeps a finished attempt readable for a minute, then forgets it', () => {
    const attempt = start();
    attempts.complete(attempt);
    expect(attempts.get(attempt.id)?.status).toBe('complete');
    now += 60_000;
    expect(attempts.get(attempt.id)).toBeUndefined();
  });

  it('a failure is recorded once; a later outcome does not change it', () => {
    const attempt = start();
    attempts.fail(attempt, 'refused');
    attempts.complete(attempt);
    expect(attempts.get(attempt.id)).toMatchObject({ status: 'failed', message: 'refused' });
  });

  it("supersede fails the integration's pending attempts only, stopping their logins", () => {
    const old = start('openai');
    const other = start('github-copilot');
    attempts.supersede('openai');
    expect(attempts.get(old.id)).toMatchObject({
      status: 'failed',
      message: 'Replaced by a newer attempt',
    });
    expect(attempts.get(other.id)?.status).toBe('pending');
    expect(stopped).toEqual(['openai']);
  });

  it('cancel forgets the attempt and stops its login; an unknown id is fine', () => {
    const attempt = start();
    attempts.cancel(attempt.id);
    attempts.cancel(attempt.id);
    attempts.cancel('con_unknown');
    expect(attempts.get(attempt.id)).toBeUndefined();
    expect(stopped).toEqual(['openai']);
  });

  it('is bounded: the oldest finished attempt makes room first, else the oldest pending', () => {
    const first = start('first');
    const finished = start('finished');
    attempts.complete(finished);
    stopped = [];
    for (let i = 0; i < 62; i++) start(`p${i}`);
    // 64 held; one more evicts the finished one.
    start('next');
    expect(attempts.get(finished.id)).toBeUndefined();
    expect(attempts.get(first.id)).toBeDefined();
    // Another evicts the oldest pending, whose login is stopped.
    start('last');
    expect(attempts.get(first.id)).toBeUndefined();
    expect(stopped).toEqual(['first']);
  });
});
