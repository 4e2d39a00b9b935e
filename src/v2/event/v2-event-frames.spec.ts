import type { BusEnvelope } from '../../core/bus/bus-event';
import { toV2Frames } from './v2-event-frames';

describe('toV2Frames', () => {
  let counter = 0;
  const newID = () => `evt_view${++counter}`;
  const envelope = (type: string, properties: unknown, directory?: string) =>
    ({
      seq: 1,
      ...(directory && { directory, project: 'p' }),
      payload: { id: 'evt_1', type, properties },
    }) as unknown as BusEnvelope;

  it('sends an event as it is, with its location, and a created session as its seq 0', () => {
    expect(toV2Frames(envelope('file.edited', { file: 'a.ts' }, '/w'), newID)).toEqual([
      { id: 'evt_1', type: 'file.edited', location: { directory: '/w' }, data: { file: 'a.ts' } },
    ]);
    const info = { id: 'ses_1' };
    expect(
      toV2Frames(envelope('session.created', { sessionID: 'ses_1', info }, '/w'), newID),
    ).toEqual([
      {
        id: 'evt_1',
        type: 'session.created',
        durable: { aggregateID: 'ses_1', seq: 0, version: 1 },
        location: { directory: '/w' },
        data: { sessionID: 'ses_1', info },
      },
    ]);
    // A server-wide event has no location.
    expect(toV2Frames(envelope('global.disposed', {}), newID)).toEqual([
      { id: 'evt_1', type: 'global.disposed', data: {} },
    ]);
  });

  it('unwraps session.next events: their own id, durable (when stored) and data', () => {
    const durable = { aggregateID: 'ses_1', seq: 4, version: 1 };
    const data = { timestamp: 1, sessionID: 'ses_1', textID: 'text-0' };
    expect(
      toV2Frames(
        envelope('session.next.text.started', { id: 'evt_own', durable, data }, '/w'),
        newID,
      ),
    ).toEqual([
      {
        id: 'evt_own',
        type: 'session.next.text.started',
        durable,
        location: { directory: '/w' },
        data,
      },
    ]);
    const delta = { ...data, delta: 'Hi' };
    expect(
      toV2Frames(envelope('session.next.text.delta', { id: 'evt_d', data: delta }, '/w'), newID),
    ).toEqual([
      { id: 'evt_d', type: 'session.next.text.delta', location: { directory: '/w' }, data: delta },
    ]);
  });

  it('adds the v2 view of permission and question events', () => {
    const asked = {
      id: 'per_1',
      sessionID: 'ses_1',
      permission: 'bash',
      patterns: ['ls'],
      metadata: { command: 'ls' },
      always: ['ls *'],
      tool: { messageID: 'msg_1', callID: 'call_1' },
    };
    const [classic, view] = toV2Frames(envelope('permission.asked', asked, '/w'), newID);
    expect(classic.type).toBe('permission.asked');
    expect(view).toEqual({
      id: expect.stringMatching(/^evt_view/),
      type: 'permission.v2.asked',
      location: { directory: '/w' },
      data: {
        id: 'per_1',
        sessionID: 'ses_1',
        action: 'bash',
        resources: ['ls'],
        save: ['ls *'],
        metadata: { command: 'ls' },
        source: { type: 'tool', messageID: 'msg_1', callID: 'call_1' },
      },
    });
    const replied = { sessionID: 'ses_1', requestID: 'per_1', reply: 'once' };
    expect(toV2Frames(envelope('permission.replied', replied, '/w'), newID)[1]).toMatchObject({
      type: 'permission.v2.replied',
      data: replied,
    });
    const question = { id: 'que_1', sessionID: 'ses_1', questions: [] };
    expect(toV2Frames(envelope('question.asked', question), newID)[1]).toMatchObject({
      type: 'question.v2.asked',
      data: question,
    });
    const answers = { sessionID: 'ses_1', requestID: 'que_1', answers: [['Red']] };
    expect(toV2Frames(envelope('question.replied', answers), newID)[1]).toMatchObject({
      type: 'question.v2.replied',
      data: answers,
    });
    const rejected = { sessionID: 'ses_1', requestID: 'que_1' };
    expect(toV2Frames(envelope('question.rejected', rejected), newID)[1]).toMatchObject({
      type: 'question.v2.rejected',
      data: rejected,
    });
  });
});
