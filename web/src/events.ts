import type { Event } from '@opencode-ai/sdk/v2/client';

export interface EventStreamHandlers {
  onEvent(event: Event): void;
  /** The stream is open (again): what happened while it was not has to be loaded anew. */
  onOpen(): void;
  onClose(): void;
}

/** How long to wait before opening a stream the browser gave up on (a 401, a restart). */
const REOPEN_DELAY_MS = 2_000;

/**
 * The instance's event stream. The browser's EventSource reconnects by itself after a dropped
 * connection; a stream it closed for good (an error status) is opened again here, after a pause.
 * Returns what stops it.
 */
export function openEventStream(url: string, handlers: EventStreamHandlers): () => void {
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const open = () => {
    source = new EventSource(url);
    source.onopen = () => handlers.onOpen();
    source.onmessage = (message: MessageEvent<string>) => {
      const event = parseEvent(message.data);
      if (event) handlers.onEvent(event);
    };
    source.onerror = () => {
      handlers.onClose();
      if (source?.readyState === EventSource.CLOSED && !stopped) {
        timer = setTimeout(open, REOPEN_DELAY_MS);
      }
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
  };
}

/** One SSE frame's data: `{type, properties}`; anything else is skipped, never thrown on. */
export function parseEvent(data: string): Event | undefined {
  try {
    const value: unknown = JSON.parse(data);
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { type?: unknown }).type === 'string' &&
      typeof (value as { properties?: unknown }).properties === 'object'
    ) {
      return value as Event;
    }
  } catch {
    // A frame that is not JSON (a comment, a heartbeat) carries no event.
  }
  return undefined;
}
