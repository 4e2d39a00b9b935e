import { EventEmitter2 } from '@nestjs/event-emitter';
import { BusService } from '../core/bus/bus.service';
import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import { PermissionService } from './permission.service';
import type { PermissionRule } from './permission-rules';

describe('PermissionService', () => {
  const ids = new IdGenerator();
  const bus = new BusService(new EventEmitter2(), ids);
  const service = new PermissionService(bus, ids);
  const instance = { directory: '/p', projectID: 'p' } as Instance;
  const rules: PermissionRule[] = [{ permission: 'bash', pattern: '*', action: 'ask' }];
  const context = (sessionID: string) => ({
    instance,
    sessionID,
    messageID: 'msg_1',
    callID: 'call_1',
    rules,
    signal: new AbortController().signal,
  });
  const request = { permission: 'bash', patterns: ['ls src'], always: ['ls *'], metadata: {} };

  /** Answers the next question with `reply`; resolves with how many were asked. */
  function answerNext(reply: 'once' | 'always' | 'reject'): { asked: () => number } {
    let asked = 0;
    const subscription = bus.events$.subscribe((envelope) => {
      if (envelope.payload.type !== 'permission.asked') return;
      asked++;
      const info = envelope.payload.properties as { id: string; sessionID: string };
      subscription.unsubscribe();
      queueMicrotask(() => service.reply(info.sessionID, info.id, reply));
    });
    return { asked: () => asked };
  }

  it('remembers an "always" for the session until the session is deleted', async () => {
    const first = answerNext('always');
    await service.ask(context('ses_a'), request);
    expect(first.asked()).toBe(1);
    // Approved now: no question.
    await service.ask(context('ses_a'), request);

    service.forgetSession({
      seq: 1,
      payload: { id: 'evt_1', type: 'session.deleted', properties: { sessionID: 'ses_a' } },
    } as never);
    const again = answerNext('reject');
    await expect(service.ask(context('ses_a'), request)).rejects.toThrow(/rejected/);
    expect(again.asked()).toBe(1);
  });

  it('refuses a deny rule without asking, and a reply to an unknown request is a 404', async () => {
    const denied: PermissionRule[] = [{ permission: 'bash', pattern: '*', action: 'deny' }];
    await expect(service.ask({ ...context('ses_b'), rules: denied }, request)).rejects.toThrow(
      /denies/,
    );
    expect(() => service.reply('ses_b', 'per_unknown', 'once')).toThrow(/not found/);
  });
});
