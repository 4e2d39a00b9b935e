/**
 * The output of one terminal, kept so that a client connecting later (a reload, a second tab, a
 * dropped connection) sees what it missed. Offsets count UTF-16 code units of everything the
 * program ever wrote, as the reference's cursors do; only the last `limit` of them are kept.
 */
export class OutputLog {
  /** Strings of at most {@link CHUNK} units (except one long write), oldest first. */
  private readonly chunks: string[] = [];
  private kept = 0;
  private written = 0;

  constructor(private readonly limit: number) {}

  /** The offset just past the last unit written: the cursor a client has seen everything up to. */
  get cursor(): number {
    return this.written;
  }

  append(text: string): void {
    if (!text) return;
    this.written += text.length;
    this.kept += text.length;
    const last = this.chunks.length - 1;
    // Small writes (one keystroke's echo) are joined, so the list stays short and trimming the
    // front never walks thousands of entries.
    if (last >= 0 && this.chunks[last].length + text.length <= CHUNK) this.chunks[last] += text;
    else this.chunks.push(text);
    this.trim();
  }

  /** What was written from `cursor` on (from the oldest kept unit when `cursor` is older). */
  since(cursor: number): string {
    const first = this.written - this.kept;
    let from = Math.max(cursor, first);
    if (from >= this.written) return '';
    const text = this.chunks.join('');
    let offset = from - first;
    // Never start between the two halves of a surrogate pair: move back to the whole character,
    // or past the half whose first half was trimmed away.
    if (isLowSurrogate(text.charCodeAt(offset))) {
      if (offset > 0) offset--;
      else offset++;
    }
    from = first + offset;
    return from >= this.written ? '' : text.slice(offset);
  }

  /** Drops what is kept (the offsets go on counting). */
  clear(): void {
    this.chunks.length = 0;
    this.kept = 0;
  }

  private trim(): void {
    while (this.kept > this.limit) {
      const excess = this.kept - this.limit;
      const head = this.chunks[0];
      if (head.length <= excess) {
        this.chunks.shift();
        this.kept -= head.length;
      } else {
        this.chunks[0] = head.slice(excess);
        this.kept -= excess;
      }
    }
  }
}

const CHUNK = 64 * 1024;

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
