import type { BusService } from '../core/bus/bus.service';
import type { Instance } from '../core/instance/instance';
import { SessionStatusService } from './session-status.service';

describe('SessionStatusService', () => {
  const published: Array<[string, unknown]> = [];
  const bus = {
    publish: (_source: unknown, type: string, properties: unknown) => {
      published.push([type, properties]);
    },
  } as unknown as BusService;
  const instance = (projectID: string) => ({ projectID }) as Instance;

  beforeEach(() => published.splice(0));

  it('keeps non-idle statuses and publishes every change, idle once', () => {
    const statuses = new SessionStatusService(bus);
    expect(statuses.get('ses_a')).toEqual({ type: 'idle' });
    statuses.set(instance('p1'), 'ses_a', { type: 'busy' });
    statuses.set(instance('p2'), 'ses_b', { type: 'retry', attempt: 1, message: 'x', next: 5 });
    expect(statuses.list()).toEqual({
      ses_a: { type: 'busy' },
      ses_b: { type: 'retry', attempt: 1, message: 'x', next: 5 },
    });
    expect(statuses.list(instance('p1'))).toEqual({ ses_a: { type: 'busy' } });
    statuses.set(instance('p1'), 'ses_a', { type: 'idle' });
    statuses.set(instance('p1'), 'ses_a', { type: 'idle' });
    expect(statuses.list(instance('p1'))).toEqual({});
    expect(published.map(([type]) => type)).toEqual([
      'session.status',
      'session.status',
      'session.status',
      'session.idle',
    ]);
    expect(published[3]).toEqual(['session.idle', { sessionID: 'ses_a' }]);
  });
});
