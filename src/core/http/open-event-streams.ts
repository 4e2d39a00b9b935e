import { Injectable } from '@nestjs/common';

/**
 * How many server-sent event streams are open, of every kind (`/event`, `/global/event`,
 * `/api/event`, `/api/session/:id/event`): each stream counts itself in while it is open, so
 * the `opencode_sse_clients` gauge sees them all without knowing the areas that serve them.
 */
@Injectable()
export class OpenEventStreams {
  private open = 0;

  get count(): number {
    return this.open;
  }

  /** Counts a stream in; call the answer once, when it closes. */
  opened(): () => void {
    this.open++;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.open--;
    };
  }
}
