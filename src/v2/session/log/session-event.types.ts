/**
 * The durable events of a session as the `/api` routes send them (`SessionDurableEvent` of the
 * reference): `session.next.<what>`, numbered per session by `durable.seq`.
 */
export interface DurableRef {
  aggregateID: string;
  seq: number;
  version: number;
}

export interface SessionEventData {
  timestamp: number;
  sessionID: string;
  [field: string]: unknown;
}

export interface SessionDurableEvent {
  id: string;
  type: string;
  durable: DurableRef;
  data: SessionEventData;
}

/**
 * What the event log publishes on the bus under the event's own type: the durable ones with
 * `durable`, the streamed deltas (`session.next.text.delta`, ...) without.
 */
export interface SessionNextBusProperties {
  id: string;
  durable?: DurableRef;
  data: SessionEventData;
}

/**
 * The 28 durable types (`session.next.` + these), with their schema version: `step.ended` and
 * `step.failed` are at version 2 in the reference, every other one at 1.
 */
export const DURABLE_TYPES = {
  'prompt.admitted': 1,
  prompted: 1,
  'agent.switched': 1,
  'model.switched': 1,
  moved: 1,
  'context.updated': 1,
  synthetic: 1,
  'shell.started': 1,
  'shell.ended': 1,
  'step.started': 1,
  'step.ended': 2,
  'step.failed': 2,
  'text.started': 1,
  'text.ended': 1,
  'reasoning.started': 1,
  'reasoning.ended': 1,
  'tool.input.started': 1,
  'tool.input.ended': 1,
  'tool.called': 1,
  'tool.progress': 1,
  'tool.success': 1,
  'tool.failed': 1,
  retried: 1,
  'compaction.started': 1,
  'compaction.ended': 1,
  'revert.staged': 1,
  'revert.cleared': 1,
  'revert.committed': 1,
} as const;

export type DurableType = keyof typeof DURABLE_TYPES;

/** Streamed pieces, published but not stored (only `/api/event` carries them). */
export type DeltaType = 'text.delta' | 'reasoning.delta' | 'tool.input.delta' | 'compaction.delta';

type SessionNextEventMap = {
  [K in DurableType | DeltaType as `session.next.${K}`]: SessionNextBusProperties;
};

declare module '../../../core/bus/bus-event' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface BusEventMap extends SessionNextEventMap {}
}
