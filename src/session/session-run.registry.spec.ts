import { SessionRunRegistry } from './session-run.registry';
import { SessionBusyError } from './session.errors';

describe('SessionRunRegistry', () => {
  it('hands out one abort signal per running session', () => {
    const runs = new SessionRunRegistry();
    const signal = runs.begin('ses_a');
    expect(runs.isRunning('ses_a')).toBe(true);
    expect(() => runs.begin('ses_a')).toThrow(SessionBusyError);
    expect(runs.abort('ses_a', 'stop')).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('stop');
    runs.end('ses_a');
    expect(runs.isRunning('ses_a')).toBe(false);
    expect(runs.abort('ses_a')).toBe(false);
  });

  it('ignores a late end of an earlier turn', () => {
    const runs = new SessionRunRegistry();
    const first = runs.begin('ses_a');
    runs.end('ses_a', first);
    const second = runs.begin('ses_a');
    runs.end('ses_a', first);
    expect(runs.isRunning('ses_a')).toBe(true);
    runs.end('ses_a', second);
    expect(runs.isRunning('ses_a')).toBe(false);
  });

  it('aborts the turn when its parent signal aborts', () => {
    const runs = new SessionRunRegistry();
    const parent = new AbortController();
    const signal = runs.begin('ses_a', parent.signal);
    parent.abort('disposed');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('disposed');
    const gone = new AbortController();
    gone.abort();
    expect(runs.begin('ses_b', gone.signal).aborted).toBe(true);
  });
});
