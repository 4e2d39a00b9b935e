import { EventEmitter2 } from '@nestjs/event-emitter';
import { BusService } from '../core/bus/bus.service';
import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import { UserRejectedError } from './permission.types';
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
      queueMicrotask(() => service.reply(info.id, { reply }));
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
    expect(() => service.reply('per_unknown', { reply: 'once' })).toThrow(/not found/);
    expect(() => service.replyInSession('ses_b', 'per_unknown', 'once')).toThrow(/not found/);
  });

  it('lists the pending requests of the instance, oldest first, until they are answered', async () => {
    const other = { directory: '/q', projectID: 'q' } as Instance;
    const first = service.ask(context('ses_c'), request);
    const second = service.ask(context('ses_d'), { ...request, patterns: ['pwd'] });
    const elsewhere = service.ask({ ...context('ses_e'), instance: other }, request);
    const listed = service.list(instance);
    expect(listed.map((info) => [info.sessionID, info.patterns])).toEqual([
      ['ses_c', ['ls src']],
      ['ses_d', ['pwd']],
    ]);
    expect(service.list(other)).toHaveLength(1);

    // The deprecated route only answers requests of the session it names.
    expect(() => service.replyInSession('ses_d', listed[0].id, 'once')).toThrow(/not found/);
    service.replyInSession('ses_c', listed[0].id, 'once');
    await first;
    expect(service.list(instance).map((info) => info.sessionID)).toEqual(['ses_d']);
    service.reply(listed[1].id, { reply: 'once' });
    service.reply(service.list(other)[0].id, { reply: 'once' });
    await Promise.all([second, elsewhere]);
    expect(service.list(instance)).toEqual([]);
  });

  it("a reject with a message fails with those words; a reject refuses the session's other requests", async () => {
    const corrected = service.ask(context('ses_f'), request);
    service.reply(service.list(instance)[0].id, { reply: 'reject', message: 'use dir instead' });
    await expect(corrected).rejects.toThrow(/use dir instead/);
    await expect(corrected).rejects.not.toBeInstanceOf(UserRejectedError);

    const one = service.ask(context('ses_g'), request);
    const two = service.ask(context('ses_g'), { ...request, patterns: ['pwd'] });
    const unrelated = service.ask(context('ses_h'), request);
    const [first] = service.list(instance);
    service.reply(first.id, { reply: 'reject' });
    await expect(one).rejects.toBeInstanceOf(UserRejectedError);
    await expect(two).rejects.toBeInstanceOf(UserRejectedError);
    expect(service.list(instance).map((info) => info.sessionID)).toEqual(['ses_h']);
    service.reply(service.list(instance)[0].id, { reply: 'once' });
    await unrelated;
  });

  it('an aborted turn withdraws its request', async () => {
    const abort = new AbortController();
    const asked = service.ask({ ...context('ses_i'), signal: abort.signal }, request);
    expect(service.list(instance)).toHaveLength(1);
    abort.abort();
    await expect(asked).rejects.toThrow(/Aborted/);
    expect(service.list(instance)).toEqual([]);
  });
});
