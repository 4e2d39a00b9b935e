/* eslint-disable @typescript-eslint/no-explicit-any -- event data is read field by field */

/** A durable event as `/api/session/:id/event` and `/history` send it. */
export interface Durable {
  id: string;
  type: string;
  durable: { aggregateID: string; seq: number; version: number };
  data: Record<string, any>;
}

/** An event type without its `session.next.` prefix (`step.started`). */
export const short = (type: string): string => type.replace('session.next.', '');

/*
 * The orders of the recorded reference turns (recorded/api-v2/text-turn and tool-turn
 * .session-event.sse), short type names.
 */
export const TEXT_TURN = [
  'prompt.admitted',
  'prompted',
  'step.started',
  'text.started',
  'text.ended',
  'step.ended',
];

export const TOOL_TURN = [
  'prompt.admitted',
  'prompted',
  'step.started',
  'tool.input.started',
  'tool.input.ended',
  'tool.called',
  'tool.success',
  'step.ended',
  'step.started',
  'text.started',
  'text.ended',
  'step.ended',
];
