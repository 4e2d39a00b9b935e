import { randomUUID } from 'node:crypto';

/** What a ticket opens: one terminal, seen from one directory (and workspace). */
export interface TicketScope {
  ptyID: string;
  directory: string;
  workspaceID?: string;
}

interface Issued extends TicketScope {
  expiresAt: number;
}

/**
 * Short-lived, single-use tickets standing in for credentials on a terminal's WebSocket, which a
 * browser cannot give an `Authorization` header. A ticket is consumed only by a request for the
 * terminal and directory it was issued for: a mismatch is refused but leaves it usable, so a
 * stray request cannot burn another client's ticket. At most `capacity` live at once (the
 * oldest go first), so a client asking in a loop cannot grow memory.
 */
export class TicketStore {
  /** Insertion order is expiry order (one fixed lifetime), so expired tickets sit at the front. */
  private readonly tickets = new Map<string, Issued>();

  constructor(
    readonly ttlMs: number,
    private readonly capacity: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Seconds a new ticket stays valid, as `expires_in` says. */
  get expiresIn(): number {
    return Math.max(1, Math.round(this.ttlMs / 1000));
  }

  issue(scope: TicketScope): string {
    this.sweep();
    while (this.tickets.size >= this.capacity) {
      this.tickets.delete(this.tickets.keys().next().value as string);
    }
    const ticket = randomUUID();
    this.tickets.set(ticket, { ...scope, expiresAt: this.now() + this.ttlMs });
    return ticket;
  }

  /** True once for a live ticket of exactly this scope; it is then gone. */
  consume(ticket: string, scope: TicketScope): boolean {
    const issued = this.tickets.get(ticket);
    if (!issued) return false;
    if (issued.expiresAt <= this.now()) {
      this.tickets.delete(ticket);
      return false;
    }
    const matches =
      issued.ptyID === scope.ptyID &&
      issued.directory === scope.directory &&
      issued.workspaceID === scope.workspaceID;
    if (matches) this.tickets.delete(ticket);
    return matches;
  }

  private sweep(): void {
    const now = this.now();
    for (const [ticket, issued] of this.tickets) {
      if (issued.expiresAt > now) return;
      this.tickets.delete(ticket);
    }
  }
}
