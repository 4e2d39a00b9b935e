import type { Type } from '@nestjs/common';

/**
 * Event name → properties type. Each area declares its events by merging into this interface
 * from its `<area>.events.ts`, so `BusService.publish` is checked against the payload:
 *
 *   declare module '../core/bus/bus-event' {
 *     interface BusEventMap { 'session.created': SessionCreatedEvent }
 *   }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface BusEventMap {}

export type BusEventType = Extract<keyof BusEventMap, string>;

/** One event as clients see it on `/event`: `{ id, type, properties }`. */
export interface BusEventPayload<K extends BusEventType = BusEventType> {
  id: string;
  type: K;
  properties: BusEventMap[K];
}

/** A published event with where it came from, as `/global/event` wraps it. */
export interface BusEnvelope<K extends BusEventType = BusEventType> {
  /** Process-wide sequence number, sent as the SSE `id:` line. */
  seq: number;
  /** The project directory of the instance that published it; absent for server-wide events. */
  directory?: string;
  project?: string;
  payload: BusEventPayload<K>;
}

/**
 * The properties class of every event, by event name, for the OpenAPI document. Filled once, at
 * class-definition time, by `@BusEvent` (like Nest's own decorator metadata), and only read after.
 */
const propertiesClasses = new Map<string, Type>();

/** Marks a class as the `properties` of the named bus event, so /doc documents it. */
export function BusEvent(type: BusEventType): ClassDecorator {
  return (target) => {
    propertiesClasses.set(type, target as unknown as Type);
  };
}

export function documentedBusEvents(): ReadonlyMap<string, Type> {
  return propertiesClasses;
}
