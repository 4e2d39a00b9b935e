import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Observable, Subject } from 'rxjs';
import { IdGenerator } from '../id';
import type { BusEnvelope, BusEventMap, BusEventPayload, BusEventType } from './bus-event';

/** Where an event comes from: an instance (project directory) or, when absent, the server. */
export interface EventSource {
  directory: string;
  projectID: string;
}

/**
 * The one event bus. Events are emitted on EventEmitter2 under their type name, so any module can
 * react with `@OnEvent('session.created')`; a single wildcard listener mirrors them into one
 * stream that the SSE endpoints filter, so a thousand clients cost one emitter listener.
 */
@Injectable()
export class BusService implements BeforeApplicationShutdown {
  private readonly stream = new Subject<BusEnvelope>();
  /**
   * The SSE `id:` of the first frame of this process, less one. Ids stay plain increasing
   * integers, but start from the start time in microseconds (a safe integer until the year 2255),
   * so a restarted server never hands out an id an earlier process used: a client resuming with
   * `Last-Event-ID` from before the restart is recognised (its id is below this) and told to
   * reload rather than given someone else's events. Only a clock set back between two runs, or
   * more than a thousand frames per millisecond of uptime, could make two runs overlap.
   */
  readonly firstSequence = Date.now() * 1000;
  private sequence = this.firstSequence;
  /**
   * Envelopes waiting for delivery. A subscriber that publishes while an event is being delivered
   * would otherwise have its event reach the remaining subscribers before the current one: each
   * event is delivered to every subscriber before the next starts, so every stream sees the
   * publication order (and its `id:` lines increase).
   */
  private readonly queue: BusEnvelope[] = [];
  private delivering = false;
  private readonly forward = (_type: string | string[], envelope: unknown) => {
    if (!isEnvelope(envelope)) return;
    this.queue.push(envelope);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) this.stream.next(next);
    } finally {
      this.delivering = false;
    }
  };

  constructor(
    private readonly emitter: EventEmitter2,
    private readonly ids: IdGenerator,
  ) {
    this.emitter.onAny(this.forward);
  }

  /** Every event published from now on, in publication order. */
  get events$(): Observable<BusEnvelope> {
    return this.stream.asObservable();
  }

  publish<K extends BusEventType>(
    source: EventSource | undefined,
    type: K,
    properties: BusEventMap[K],
  ): BusEnvelope<K> {
    const envelope: BusEnvelope<K> = {
      seq: this.nextSequence(),
      ...(source && { directory: source.directory, project: source.projectID }),
      payload: this.createPayload(type, properties),
    };
    this.emitter.emit(type, envelope);
    return envelope;
  }

  /** A payload that is sent to one client only (`server.connected`, heartbeats). */
  createPayload<K extends BusEventType>(type: K, properties: BusEventMap[K]): BusEventPayload<K> {
    return { id: this.ids.ascending('event'), type, properties };
  }

  nextSequence(): number {
    return ++this.sequence;
  }

  /** The last sequence number handed out (`firstSequence` before any). */
  get lastSequence(): number {
    return this.sequence;
  }

  /**
   * Ends every event stream (their HTTP responses end cleanly) once the modules are destroyed,
   * which is after instances are disposed and their `server.instance.disposed` is delivered.
   */
  beforeApplicationShutdown(): void {
    this.emitter.offAny(this.forward);
    this.stream.complete();
  }
}

function isEnvelope(value: unknown): value is BusEnvelope {
  return typeof value === 'object' && value !== null && 'seq' in value && 'payload' in value;
}
