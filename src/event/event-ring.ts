/** One bus event as the streams keep it for replay: serialized once, shared by both rings. */
export interface StoredEvent {
  /** The bus sequence number: the frame's `id:`. */
  seq: number;
  type: string;
  directory?: string;
  project?: string;
  /** The session the event belongs to, when it belongs to one (see `sessionOfEvent`). */
  sessionID?: string;
  /** `JSON.stringify` of the payload (`{ id, type, properties }`). */
  json: string;
  /** Its size in UTF-8, as it goes out. */
  bytes: number;
}

export interface EventRingLimits {
  /** Events kept at most. */
  events: number;
  /** Bytes of JSON kept at most: a few huge events (a long tool output) cannot hold memory. */
  bytes: number;
}

/**
 * The latest events of one scope (a directory, or everything the global stream shows), oldest
 * first, bounded by count and size. `coveredAfter` says from where it is complete: every event of
 * the scope with a sequence number above it is held, so a client whose last id is at least
 * `coveredAfter` can be given exactly what it missed; one below it lost events that are gone.
 */
export class EventRing {
  /** Entries from `start` on are held; the ones before are evicted and dropped in batches. */
  private entries: StoredEvent[] = [];
  private start = 0;
  private bytes = 0;

  constructor(
    private readonly limits: EventRingLimits,
    private covered: number,
  ) {}

  get coveredAfter(): number {
    return this.covered;
  }

  get size(): number {
    return this.entries.length - this.start;
  }

  push(event: StoredEvent): void {
    this.entries.push(event);
    this.bytes += event.bytes;
    // The newest event always stays, even alone over the size limit.
    while (this.size > 1 && (this.size > this.limits.events || this.bytes > this.limits.bytes)) {
      const evicted = this.entries[this.start++];
      this.bytes -= evicted.bytes;
      this.covered = evicted.seq;
    }
    // Evicted slots are released once they are as many as the live ones: amortised O(1).
    if (this.start > 0 && this.start >= this.size) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
  }

  /**
   * The events after `seq`, oldest first; `undefined` when some of them were evicted (`seq` is
   * below `coveredAfter`).
   */
  after(seq: number): StoredEvent[] | undefined {
    if (seq < this.covered) return undefined;
    // Binary search for the first entry above `seq`: the entries' sequence numbers increase.
    let low = this.start;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle].seq <= seq) low = middle + 1;
      else high = middle;
    }
    return this.entries.slice(low);
  }
}
