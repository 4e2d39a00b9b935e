import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';
import { assistantErrorSchema, type AssistantError } from './dto/message.dto';
import { SessionDto } from './dto/session.dto';
import { SessionStatusSchema, type SessionStatus } from './dto/session-status.dto';
import { TodoDto } from './dto/todo.dto';
import { Field } from '../core/http/field.decorators';

// Events of sessions, as the reference publishes them. Storage events are published after the
// transaction commits, so a client that reacts by reading the API sees the change.

class SessionInfoEvent {
  @Field.id('session')
  sessionID: string;

  @ApiProperty({ type: SessionDto })
  info: SessionDto;
}

@BusEvent('session.created')
export class SessionCreatedEvent extends SessionInfoEvent {}

@BusEvent('session.updated')
export class SessionUpdatedEvent extends SessionInfoEvent {}

@BusEvent('session.deleted')
export class SessionDeletedEvent extends SessionInfoEvent {}

@BusEvent('session.status')
export class SessionStatusEvent {
  @Field.id('session')
  sessionID: string;

  @ApiProperty({ type: () => SessionStatusSchema })
  status: SessionStatus;
}

/** The session's turn is over (its status went back to idle). */
@BusEvent('session.idle')
export class SessionIdleEvent {
  @Field.id('session')
  sessionID: string;
}

/** A turn failed (published by the agent loop); `sessionID` is absent for server-wide errors. */
@BusEvent('session.error')
export class SessionErrorEvent {
  @Field.id('session', { optional: true })
  sessionID?: string;

  @ApiPropertyOptional(assistantErrorSchema())
  error?: AssistantError;
}

@BusEvent('todo.updated')
export class TodoUpdatedEvent {
  @Field.id('session')
  sessionID: string;

  @ApiProperty({ type: [TodoDto] })
  todos: TodoDto[];
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'session.created': SessionCreatedEvent;
    'session.updated': SessionUpdatedEvent;
    'session.deleted': SessionDeletedEvent;
    'session.status': SessionStatusEvent;
    'session.idle': SessionIdleEvent;
    'session.error': SessionErrorEvent;
    'todo.updated': TodoUpdatedEvent;
  }
}
