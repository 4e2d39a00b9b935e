import { TicketStore } from './tickets';

describe('TicketStore', () => {
  const scope = { ptyID: 'pty_1', directory: '/p' };
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it('lets a ticket in once, for its own scope only', () => {
    const store = new TicketStore(60_000, 10, clock);
    const ticket = store.issue(scope);
    expect(store.expiresIn).toBe(60);
    expect(store.consume(ticket, { ...scope, ptyID: 'pty_2' })).toBe(false);
    expect(store.consume(ticket, { ...scope, directory: '/q' })).toBe(false);
    expect(store.consume(ticket, { ...scope, workspaceID: 'wrk_1' })).toBe(false);
    // The mismatches did not burn it.
    expect(store.consume(ticket, scope)).toBe(true);
    expect(store.consume(ticket, scope)).toBe(false);
    expect(store.consume('bogus', scope)).toBe(false);
  });

  it('refuses an expired ticket', () => {
    const store = new TicketStore(60_000, 10, clock);
    const ticket = store.issue(scope);
    now += 60_000;
    expect(store.consume(ticket, scope)).toBe(false);
  });

  it('keeps at most `capacity` tickets, dropping the oldest', () => {
    const store = new TicketStore(60_000, 2, clock);
    const first = store.issue(scope);
    const second = store.issue(scope);
    const third = store.issue(scope);
    expect(store.consume(first, scope)).toBe(false);
    expect(store.consume(second, scope)).toBe(true);
    expect(store.consume(third, scope)).toBe(true);
  });
});
