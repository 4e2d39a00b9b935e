import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { Field } from '../../core/http/field.decorators';
import { SnapshotFileDiffDto, TokenCacheDto } from './session.dto';
import { ApiUnionSchema } from '../../core/http/named-schema';

// The message shapes of the reference (`UserMessage`, `AssistantMessage` and the errors an
// assistant message can end with). The server writes them, so they mostly document; they are
// also the types the agent loop builds messages with. The few that a part holds (`MessageTokens`,
// `APIError`) validate too, for a part sent whole to `PATCH .../part/:partID`.

class ErrorMessageData {
  @Field.string()
  message: string;
}

@ApiSchema({ name: 'ProviderAuthErrorData' })
export class ProviderAuthErrorDataDto {
  @ApiProperty()
  providerID: string;

  @ApiProperty()
  message: string;
}

@ApiSchema({ name: 'ProviderAuthError' })
export class ProviderAuthErrorDto {
  @ApiProperty({ enum: ['ProviderAuthError'] })
  name: 'ProviderAuthError';

  @ApiProperty({ type: ProviderAuthErrorDataDto })
  data: ProviderAuthErrorDataDto;
}

@ApiSchema({ name: 'UnknownErrorData' })
export class UnknownErrorDataDto extends ErrorMessageData {
  @ApiPropertyOptional()
  ref?: string;
}

@ApiSchema({ name: 'UnknownError' })
export class UnknownErrorDto {
  @ApiProperty({ enum: ['UnknownError'] })
  name: 'UnknownError';

  @ApiProperty({ type: UnknownErrorDataDto })
  data: UnknownErrorDataDto;
}

@ApiSchema({ name: 'MessageOutputLengthError' })
export class MessageOutputLengthErrorDto {
  @ApiProperty({ enum: ['MessageOutputLengthError'] })
  name: 'MessageOutputLengthError';

  @ApiProperty({ type: 'object', properties: {} })
  data: Record<string, never>;
}

@ApiSchema({ name: 'MessageAbortedErrorData' })
export class MessageAbortedErrorDataDto extends ErrorMessageData {}

@ApiSchema({ name: 'MessageAbortedError' })
export class MessageAbortedErrorDto {
  @ApiProperty({ enum: ['MessageAbortedError'] })
  name: 'MessageAbortedError';

  @ApiProperty({ type: MessageAbortedErrorDataDto })
  data: MessageAbortedErrorDataDto;
}

@ApiSchema({ name: 'StructuredOutputErrorData' })
export class StructuredOutputErrorDataDto extends ErrorMessageData {
  @ApiProperty({ type: 'integer', minimum: 0 })
  retries: number;
}

@ApiSchema({ name: 'StructuredOutputError' })
export class StructuredOutputErrorDto {
  @ApiProperty({ enum: ['StructuredOutputError'] })
  name: 'StructuredOutputError';

  @ApiProperty({ type: StructuredOutputErrorDataDto })
  data: StructuredOutputErrorDataDto;
}

@ApiSchema({ name: 'ContextOverflowErrorData' })
export class ContextOverflowErrorDataDto extends ErrorMessageData {
  @ApiPropertyOptional()
  responseBody?: string;
}

@ApiSchema({ name: 'ContextOverflowError' })
export class ContextOverflowErrorDto {
  @ApiProperty({ enum: ['ContextOverflowError'] })
  name: 'ContextOverflowError';

  @ApiProperty({ type: ContextOverflowErrorDataDto })
  data: ContextOverflowErrorDataDto;
}

@ApiSchema({ name: 'ContentFilterErrorData' })
export class ContentFilterErrorDataDto extends ErrorMessageData {}

@ApiSchema({ name: 'ContentFilterError' })
export class ContentFilterErrorDto {
  @ApiProperty({ enum: ['ContentFilterError'] })
  name: 'ContentFilterError';

  @ApiProperty({ type: ContentFilterErrorDataDto })
  data: ContentFilterErrorDataDto;
}

@ApiSchema({ name: 'APIErrorData' })
export class ApiErrorDataDto extends ErrorMessageData {
  @Field.int({ optional: true, min: 0 })
  statusCode?: number;

  @Field.boolean()
  isRetryable: boolean;

  @Field.record({ optional: true, values: 'string' })
  responseHeaders?: Record<string, string>;

  @Field.string({ optional: true })
  responseBody?: string;

  @Field.record({ optional: true, values: 'string' })
  metadata?: Record<string, string>;
}

@ApiSchema({ name: 'APIError' })
export class ApiErrorDto {
  @Field.enum(['APIError'])
  name: 'APIError';

  @Field.nested(ApiErrorDataDto)
  data: ApiErrorDataDto;
}

/** Why an assistant message (or a turn: `session.error`) ended in failure. */
export type AssistantError =
  | ProviderAuthErrorDto
  | UnknownErrorDto
  | MessageOutputLengthErrorDto
  | MessageAbortedErrorDto
  | StructuredOutputErrorDto
  | ContextOverflowErrorDto
  | ContentFilterErrorDto
  | ApiErrorDto;

export const ASSISTANT_ERROR_MODELS = [
  ProviderAuthErrorDto,
  UnknownErrorDto,
  MessageOutputLengthErrorDto,
  MessageAbortedErrorDto,
  StructuredOutputErrorDto,
  ContextOverflowErrorDto,
  ContentFilterErrorDto,
  ApiErrorDto,
];

/** `anyOf` of the assistant errors, for properties that hold one (inline, as the reference). */
export function assistantErrorSchema() {
  return { anyOf: ASSISTANT_ERROR_MODELS.map((model) => ({ $ref: getSchemaPath(model) })) };
}

@ApiSchema({ name: 'OutputFormatText' })
export class OutputFormatTextDto {
  @ApiProperty({ enum: ['text'] })
  type: 'text';
}

@ApiSchema({ name: 'OutputFormatJsonSchema' })
export class OutputFormatJsonSchemaDto {
  @ApiProperty({ enum: ['json_schema'] })
  type: 'json_schema';

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'A JSON Schema' })
  schema: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  retryCount?: number;
}

@ApiUnionSchema('OutputFormat', () => [OutputFormatTextDto, OutputFormatJsonSchemaDto])
export class OutputFormatSchema {}

export type OutputFormat = OutputFormatTextDto | OutputFormatJsonSchemaDto;

@ApiSchema({ name: 'UserMessageTime' })
export class UserMessageTimeDto {
  @ApiProperty({ minimum: 0 })
  created: number;
}

@ApiSchema({ name: 'UserMessageSummary' })
export class UserMessageSummaryDto {
  @ApiPropertyOptional()
  title?: string;

  @ApiPropertyOptional()
  body?: string;

  @ApiProperty({ type: [SnapshotFileDiffDto] })
  diffs: SnapshotFileDiffDto[];
}

@ApiSchema({ name: 'UserMessageModel' })
export class UserMessageModelDto {
  @ApiProperty()
  providerID: string;

  @ApiProperty()
  modelID: string;

  @ApiPropertyOptional()
  variant?: string;
}

@ApiSchema({ name: 'UserMessage' })
export class UserMessageDto {
  @Field.id('message')
  id: string;

  @Field.id('session')
  sessionID: string;

  @ApiProperty({ enum: ['user'] })
  role: 'user';

  @ApiProperty({ type: UserMessageTimeDto })
  time: UserMessageTimeDto;

  @ApiPropertyOptional({ type: () => OutputFormatSchema })
  format?: OutputFormat;

  @ApiPropertyOptional({ type: UserMessageSummaryDto })
  summary?: UserMessageSummaryDto;

  @ApiProperty()
  agent: string;

  @ApiProperty({ type: UserMessageModelDto })
  model: UserMessageModelDto;

  @ApiPropertyOptional()
  system?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'boolean' } })
  tools?: Record<string, boolean>;
}

@ApiSchema({ name: 'AssistantMessageTime' })
export class AssistantMessageTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  created: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  completed?: number;
}

@ApiSchema({ name: 'AssistantMessagePath' })
export class AssistantMessagePathDto {
  @ApiProperty()
  cwd: string;

  @ApiProperty()
  root: string;
}

/** Tokens of one model call or message; `total` when the provider reports one. */
@ApiSchema({ name: 'MessageTokens' })
export class MessageTokensDto {
  @Field.number({ optional: true })
  total?: number;

  @Field.number()
  input: number;

  @Field.number()
  output: number;

  @Field.number()
  reasoning: number;

  @Field.nested(TokenCacheDto)
  cache: TokenCacheDto;
}

@ApiSchema({ name: 'AssistantMessage' })
export class AssistantMessageDto {
  @Field.id('message')
  id: string;

  @Field.id('session')
  sessionID: string;

  @ApiProperty({ enum: ['assistant'] })
  role: 'assistant';

  @ApiProperty({ type: AssistantMessageTimeDto })
  time: AssistantMessageTimeDto;

  @ApiPropertyOptional(assistantErrorSchema())
  error?: AssistantError;

  @Field.id('message', { description: 'The user message this answers' })
  parentID: string;

  @ApiProperty()
  modelID: string;

  @ApiProperty()
  providerID: string;

  @ApiProperty()
  mode: string;

  @ApiProperty()
  agent: string;

  @ApiProperty({ type: AssistantMessagePathDto })
  path: AssistantMessagePathDto;

  @ApiPropertyOptional({ description: 'Set on the summary message of a compaction' })
  summary?: boolean;

  @ApiProperty()
  cost: number;

  @ApiProperty({ type: MessageTokensDto })
  tokens: MessageTokensDto;

  @ApiPropertyOptional({ description: 'Structured output, when a JSON schema was asked for' })
  structured?: unknown;

  @ApiPropertyOptional()
  variant?: string;

  @ApiPropertyOptional({ description: 'Finish reason of the last model call' })
  finish?: string;
}

@ApiUnionSchema('Message', () => [UserMessageDto, AssistantMessageDto])
export class MessageSchema {}

/** A stored message: what `message.updated` carries and `info` of `{ info, parts }`. */
export type MessageInfo = UserMessageDto | AssistantMessageDto;
export type UserMessage = UserMessageDto;
export type AssistantMessage = AssistantMessageDto;

export const MESSAGE_MODELS = [
  ...ASSISTANT_ERROR_MODELS,
  OutputFormatTextDto,
  OutputFormatJsonSchemaDto,
  OutputFormatSchema,
  UserMessageDto,
  AssistantMessageDto,
  MessageSchema,
];
