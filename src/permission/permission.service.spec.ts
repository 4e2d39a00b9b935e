import { EventEmitter2 } from '@nestjs/event-emitter';
import { BusService } from '../core/bus/bus.service';
import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import { UserRejectedError } from './permission.types';
import { PermissionService } from './permission.service';
import type { PermissionRule } from './permission-rules';
import { SavedPermissionRepository, type SavedPermission } from './saved-permission.repository';

/** The saved permissions in memory, with the database's unique (project, action, resource). */
class MemorySavedPermissions extends SavedPermissionRepository {
  readonly rows: SavedPermission[] = [];

  list(projectID?: string): SavedPermission[] {
    return this.rows.filter((row) => projectID === undefined || row.projectID === projectID);
  }

  add(projectID: string, action: string, resources: readonly string[], newID: () => string) {
    const added: SavedPermission[] = [];
    for (const resource of resources) {
      if (
        this.rows.some(
          (r) => r.projectID === projectID && r.action === action && r.resource === resource,
        )
      ) {
        continue;
      }
      const row = { id: newID(), projectID, action, resource };
      this.rows.push(row);
      added.push(row);
    }
    return added;
  }

  remove(id: string): boolean {
    const index = this.rows.findIndex((row) => row.id === id);
    if (index >= 0) this.rows.splice(index, 1);
    return index >= 0;
  }
}

describe('PermissionService', () => {
  const ids = new IdGenerator();
  const bus = new BusService(new EventEmitter2(), ids);
  const saved = new MemorySavedPermissions();
  const service = new PermissionService(bus, ids, saved);
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

  afterEach(() => saved.rows.splice(0));

  it('saves an "always" for the project: its other sessions are not asked, other projects are', async () => {
    const first = answerNext('always');
    await service.ask(context('ses_a'), request);
    expect(first.asked()).toBe(1);
    expect(service.listSaved('p')).toEqual([
      { id: expect.stringMatching(/^psv_/), projectID: 'p', action: 'bash', resource: 'ls *' },
    ]);
    // Approved for the project now: no question, in this session or another one.
    await service.ask(context('ses_a'), request);
    await service.ask(context('ses_a2'), { ...request, patterns: ['ls -la'] });
    // A configured deny still wins over a saved approval.
    const denied: PermissionRule[] = [{ permission: 'bash', pattern: 'ls src', action: 'deny' }];
    await expect(service.ask({ ...context('ses_a'), rules: denied }, request)).rejects.toThrow(
      /denies/,
    );

    const other = { directory: '/q', projectID: 'q' } as Instance;
    const elsewhere = answerNext('reject');
    await expect(service.ask({ ...context('ses_q'), instance: other }, request)).rejects.toThrow(
      /rejected/,
    );
    expect(elsewhere.asked()).toBe(1);

    // Removed: asked again.
    service.removeSaved(service.listSaved('p')[0].id);
    service.removeSaved('psv_unknown');
    const again = answerNext('reject');
    await expect(service.ask(context('ses_a'), request)).rejects.toThrow(/rejected/);
    expect(again.asked()).toBe(1);
  });

  it('an "always" settles the pending requests of the project it covers', async () => {
    const replies: unknown[] = [];
    const subscription = bus.events$.subscribe((envelope) => {
      if (envelope.payload.type === 'permission.replied') replies.push(envelope.payload.properties);
    });
    const one = service.ask(context('ses_j'), request);
    const two = service.ask(context('ses_k'), { ...request, patterns: ['ls tests'] });
    const uncovered = service.ask(context('ses_k'), { ...request, patterns: ['pwd'] });
    // Covered by its own rules (pwd) and the saved pattern (ls *) together.
    const pwd: PermissionRule = { permission: 'bash', pattern: 'pwd', action: 'allow' };
    const mixed = service.ask(
      { ...context('ses_k'), rules: [...rules, pwd] },
      { ...request, patterns: ['ls a', 'pwd'] },
    );
    const [first, second, third, fourth] = service.list(instance);
    service.reply(first.id, { reply: 'always' });
    await Promise.all([one, two, mixed]);
    subscription.unsubscribe();
    expect(replies).toEqual([
      { sessionID: 'ses_j', requestID: first.id, reply: 'always' },
      { sessionID: 'ses_k', requestID: second.id, reply: 'always' },
      { sessionID: 'ses_k', requestID: fourth.id, reply: 'always' },
    ]);
    expect(service.list(instance).map((info) => info.id)).toEqual([third.id]);
    service.reply(third.id, { reply: 'once' });
    await uncovered;
  });

  it('a detached request is evaluated, and left pending when the rules say ask', () => {
    const detached = { instance, sessionID: 'ses_l', rules };
    expect(service.askDetached(detached, { ...request, permission: 'read' })).toEqual({
      id: expect.stringMatching(/^per_/),
      effect: 'ask',
    });
    const allow: PermissionRule[] = [{ permission: 'read', pattern: '*', action: 'allow' }];
    expect(
      service.askDetached({ ...detached, rules: allow }, { ...request, permission: 'read' }).effect,
    ).toBe('allow');
    const chosen = service.askDetached({ ...detached, id: 'per_chosen' }, request);
    expect(chosen).toEqual({ id: 'per_chosen', effect: 'ask' });
    expect(() => service.askDetached({ ...detached, id: 'per_chosen' }, request)).toThrow(
      /already pending/,
    );
    expect(service.listSession('ses_l').map((info) => info.tool)).toEqual([undefined, undefined]);
    expect(() => service.getInSession('ses_other', 'per_chosen')).toThrow(/not found/);
    service.replyOwned('ses_l', 'per_chosen', { reply: 'reject' });
    // A reject refuses the session's other requests too.
    expect(service.listSession('ses_l')).toEqual([]);
  });

  it("a deleted session's requests are withdrawn", async () => {
    const asked = service.ask(context('ses_m'), request);
    service.withdrawSession({
      seq: 1,
      payload: { id: 'evt_1', type: 'session.deleted', properties: { sessionID: 'ses_m' } },
    } as never);
    await expect(asked).rejects.toThrow(/Aborted/);
    expect(service.listSession('ses_m')).toEqual([]);
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
