import { BusEvent } from '../core/bus/bus-event';

/**
 * The set of language servers of the instance (or one's status) changed: a server connected,
 * failed, stopped on its own, or was stopped by a config change. Clients fetch `GET /lsp` again.
 */
@BusEvent('lsp.updated')
export class LspUpdatedEvent {}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'lsp.updated': LspUpdatedEvent;
  }
}
