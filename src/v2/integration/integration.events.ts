import { BusEvent } from '../../core/bus/bus-event';

/**
 * `integration.updated`: the integrations or their connections changed (a credential stored,
 * renamed or removed); clients list them again. No properties, as in the reference.
 */
@BusEvent('integration.updated')
export class IntegrationUpdatedEvent {}

declare module '../../core/bus/bus-event' {
  interface BusEventMap {
    'integration.updated': IntegrationUpdatedEvent;
  }
}
