import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../../core/http/field.decorators';

export const DELIVERIES = ['steer', 'queue'] as const;
export type Delivery = (typeof DELIVERIES)[number];

/** Where in the prompt text an attachment was mentioned. */
@ApiSchema({ name: 'PromptSource' })
export class PromptSourceDto {
  @Field.number({ min: 0 })
  start: number;

  @Field.number({ min: 0 })
  end: number;

  @Field.string()
  text: string;
}

@ApiSchema({ name: 'PromptInputFileAttachment' })
export class PromptInputFileAttachmentDto {
  @Field.string({ notEmpty: true, description: 'A `file://` or `data:` URI' })
  uri: string;

  @Field.string({ optional: true })
  name?: string;

  @Field.string({ optional: true })
  description?: string;

  @Field.nested(PromptSourceDto, { optional: true })
  source?: PromptSourceDto;
}

@ApiSchema({ name: 'PromptAgentAttachment' })
export class PromptAgentAttachmentDto {
  @Field.string({ notEmpty: true })
  name: string;

  @Field.nested(PromptSourceDto, { optional: true })
  source?: PromptSourceDto;
}

@ApiSchema({ name: 'PromptInput' })
export class PromptInputDto {
  @Field.string()
  text: string;

  @Field.nested(PromptInputFileAttachmentDto, { optional: true, each: true })
  files?: PromptInputFileAttachmentDto[];

  @Field.nested(PromptAgentAttachmentDto, { optional: true, each: true })
  agents?: PromptAgentAttachmentDto[];
}

/** A file of an admitted prompt: its media type is known by then. */
@ApiSchema({ name: 'PromptFileAttachment' })
export class PromptFileAttachmentDto {
  @ApiProperty()
  uri: string;

  @ApiProperty()
  mime: string;

  @ApiPropertyOptional()
  name?: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiPropertyOptional({ type: PromptSourceDto })
  source?: PromptSourceDto;
}

@ApiSchema({ name: 'Prompt' })
export class PromptDto {
  @ApiProperty()
  text: string;

  @ApiPropertyOptional({ type: [PromptFileAttachmentDto] })
  files?: PromptFileAttachmentDto[];

  @ApiPropertyOptional({ type: [PromptAgentAttachmentDto] })
  agents?: PromptAgentAttachmentDto[];
}

export class SessionPromptBodyDto {
  @Field.string({
    optional: true,
    pattern: /^msg_/,
    patternMessage: 'Invalid message ID',
    description: 'The input id; the same id with the same input is the same admission',
  })
  id?: string;

  @Field.nested(PromptInputDto)
  prompt: PromptInputDto;

  @Field.enum(DELIVERIES, {
    optional: true,
    description: '`steer` (default) is taken before `queue`d inputs',
  })
  delivery?: Delivery;

  @Field.boolean({
    optional: true,
    description: 'Whether to wake the loop (default true); false only records the input',
  })
  resume?: boolean;
}

/** What `POST /api/session/:id/prompt` answers: the input, durably recorded. */
@ApiSchema({ name: 'SessionInputAdmitted' })
export class SessionInputAdmittedDto {
  @ApiProperty({ minimum: 0, description: 'The seq of its `session.next.prompt.admitted`' })
  admittedSeq: number;

  @Field.id('message')
  id: string;

  @Field.id('session')
  sessionID: string;

  @ApiProperty({ type: PromptDto })
  prompt: PromptDto;

  @ApiProperty({ enum: DELIVERIES })
  delivery: Delivery;

  @ApiProperty()
  timeCreated: number;

  @ApiPropertyOptional({ minimum: 0, description: 'The seq of its `session.next.prompted`' })
  promotedSeq?: number;
}
