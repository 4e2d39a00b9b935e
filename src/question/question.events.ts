import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';
import { Field } from '../core/http/field.decorators';

@ApiSchema({ name: 'QuestionOption' })
export class QuestionOption {
  @ApiProperty({ description: 'Display text (1-5 words, concise)' })
  label: string;

  @ApiProperty({ description: 'Explanation of choice' })
  description: string;
}

@ApiSchema({ name: 'QuestionInfo' })
export class QuestionInfo {
  @ApiProperty({ description: 'Complete question' })
  question: string;

  @ApiProperty({ description: 'Very short label (max 30 chars)' })
  header: string;

  @ApiProperty({ type: [QuestionOption], description: 'Available choices' })
  options: QuestionOption[];

  @ApiPropertyOptional({ description: 'Allow selecting multiple choices' })
  multiple?: boolean;

  @ApiPropertyOptional({ description: 'Offer a free-text answer besides the options' })
  custom?: boolean;
}

@ApiSchema({ name: 'QuestionTool' })
export class QuestionTool {
  @Field.id('message')
  messageID: string;

  @ApiProperty()
  callID: string;
}

/** Questions waiting for the user: `question.asked`, and the items of `GET /question`. */
@BusEvent('question.asked')
@ApiSchema({ name: 'QuestionRequest' })
export class QuestionAskedEvent {
  @Field.id('question')
  id: string;

  @Field.id('session')
  sessionID: string;

  @ApiProperty({ type: [QuestionInfo], description: 'Questions to ask' })
  questions: QuestionInfo[];

  @ApiPropertyOptional({ type: QuestionTool })
  tool?: QuestionTool;
}

/** One answer per question, in order: the labels chosen (or the text typed). */
export type QuestionAnswer = string[];

@BusEvent('question.replied')
export class QuestionRepliedEvent {
  @Field.id('session')
  sessionID: string;

  @Field.id('question')
  requestID: string;

  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'string' } } })
  answers: QuestionAnswer[];
}

@BusEvent('question.rejected')
export class QuestionRejectedEvent {
  @Field.id('session')
  sessionID: string;

  @Field.id('question')
  requestID: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'question.asked': QuestionAskedEvent;
    'question.replied': QuestionRepliedEvent;
    'question.rejected': QuestionRejectedEvent;
  }
}
