import { isClassicEvent, sessionOfEvent, showsInSessionStream } from './event-filter';

describe('event filters', () => {
  it('keeps the /api session events (session.next.*) off the classic streams', () => {
    expect(isClassicEvent('session.next.prompted')).toBe(false);
    expect(isClassicEvent('session.next.step.started')).toBe(false);
    expect(isClassicEvent('session.updated')).toBe(true);
    expect(isClassicEvent('session.nextish')).toBe(true);
    expect(isClassicEvent('server.connected')).toBe(true);
  });

  it.each([
    ['session.status', { sessionID: 'ses_a', status: { type: 'idle' } }, 'ses_a'],
    ['session.updated', { sessionID: 'ses_a', info: { id: 'ses_a' } }, 'ses_a'],
    ['session.created', { info: { id: 'ses_a' } }, 'ses_a'],
    ['message.updated', { info: { id: 'msg_1', sessionID: 'ses_a' } }, 'ses_a'],
    ['message.part.updated', { part: { id: 'prt_1', sessionID: 'ses_a' } }, 'ses_a'],
    ['permission.asked', { id: 'per_1', sessionID: 'ses_a' }, 'ses_a'],
    ['project.updated', { id: 'prj', info: { id: 'x' } }, undefined],
    ['file.edited', { file: '/a' }, undefined],
    ['server.connected', {}, undefined],
    ['session.error', { error: {} }, undefined],
  ])('finds the session of %s', (type, properties, expected) => {
    expect(sessionOfEvent(type, properties)).toBe(expected);
  });

  it('shows a session stream its own events and the server ones only', () => {
    expect(showsInSessionStream('session.idle', 'ses_a', 'ses_a')).toBe(true);
    expect(showsInSessionStream('session.idle', 'ses_b', 'ses_a')).toBe(false);
    expect(showsInSessionStream('file.edited', undefined, 'ses_a')).toBe(false);
    expect(showsInSessionStream('server.instance.disposed', undefined, 'ses_a')).toBe(true);
  });
});
