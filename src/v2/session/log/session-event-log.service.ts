import { Injectable } from '@nestjs/common';
import { filter, Observable } from 'rxjs';
import type { BusEnvelope } from '../../../core/bus/bus-event';
import { BusService, type EventSource } from '../../../core/bus/bus.service';
import { IdGenerator } from '../../../core/id';
import { DatabaseService } from '../../../core/storage/database.service';
import { SessionEventRepository } from './session-event.repository';
import {
  DURABLE_TYPES,
  type DeltaType,
  type DurableType,
  type SessionDurableEvent,
  type SessionNextBusProperties,
} from './session-event.types';

/** The fields of an event's `data` besides the two every event has. */
export type EventFields = Record<string, unknown>;

/**
 * The durable event log of every session: `append` stores an event under the session's next seq
 * and then publishes it on the bus, so a stream that reads the log (`after`) and then follows
 * the bus (`live`) sees every event once, in seq order.
 */
@Injectable()
export class SessionEventLog {
  constructor(
    private readonly events: SessionEventRepository,
    private readonly bus: BusService,
    private readonly ids: IdGenerator,
    private readonly db: DatabaseService,
  ) {}

  /**
   * Stores the event as the session's next one and publishes it. `alongside` runs in the same
   * transaction (what the event records is stored with it, or neither is); the event goes out
   * only once both are committed.
   */
  append(
    source: EventSource,
    sessionID: string,
    type: DurableType,
    fields: EventFields,
    alongside?: (event: SessionDurableEvent) => void,
  ): SessionDurableEvent {
    const event = this.db.transaction(() => {
      const stored = this.events.append(sessionID, {
        id: this.ids.ascending('event'),
        type: `session.next.${type}`,
        version: DURABLE_TYPES[type],
        data: { timestamp: Date.now(), sessionID, ...fields },
      });
      alongside?.(stored);
      return stored;
    });
    this.bus.publish(source, `session.next.${type}`, {
      id: event.id,
      durable: event.durable,
      data: event.data,
    });
    return event;
  }

  /** A streamed piece (text delta, ...): published for `/api/event`, never stored. */
  publishDelta(source: EventSource, sessionID: string, type: DeltaType, fields: EventFields): void {
    this.bus.publish(source, `session.next.${type}`, {
      id: this.ids.ascending('event'),
      data: { timestamp: Date.now(), sessionID, ...fields },
    });
  }

  /** The seq of the session's latest event; 0 before its first. */
  lastSeq(sessionID: string): number {
    return this.events.lastSeq(sessionID);
  }

  /** Stored events after `seq`, at most `limit` (-1: all). */
  after(sessionID: string, seq: number, limit = -1): SessionDurableEvent[] {
    return this.events.listAfter(sessionID, seq, limit);
  }

  /** Whether the loop has taken this prompt (its `prompted` is in the log). */
  hasPrompted(sessionID: string, messageID: string): boolean {
    return this.events.hasAbout(sessionID, 'session.next.prompted', 'messageID', messageID);
  }

  /** Whether the step of this assistant message started and has not ended nor failed. */
  isStepOpen(sessionID: string, assistantMessageID: string): boolean {
    const about = (type: DurableType) =>
      this.events.hasAbout(
        sessionID,
        `session.next.${type}`,
        'assistantMessageID',
        assistantMessageID,
      );
    return about('step.started') && !about('step.ended') && !about('step.failed');
  }

  ofTypes(sessionID: string, types: readonly DurableType[]): SessionDurableEvent[] {
    return this.events.listOfTypes(
      sessionID,
      types.map((type) => `session.next.${type}`),
    );
  }

  /** The session's durable events as they are appended from now on. */
  live(sessionID: string): Observable<SessionDurableEvent> {
    return new Observable<SessionDurableEvent>((subscriber) =>
      this.bus.events$
        .pipe(filter((envelope) => durableOf(envelope)?.durable.aggregateID === sessionID))
        .subscribe((envelope) => subscriber.next(durableOf(envelope)!)),
    );
  }
}

/** The durable event an envelope carries, if it is one. */
export function durableOf(envelope: BusEnvelope): SessionDurableEvent | undefined {
  const { type, properties } = envelope.payload;
  if (!type.startsWith('session.next.')) return undefined;
  const { id, durable, data } = properties as SessionNextBusProperties;
  return durable && { id, type, durable, data };
}
