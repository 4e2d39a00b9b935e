import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';
import { Field } from '../../../core/http/field.decorators';

/** Connect by pasting an API key (`POST /api/integration/{id}/connect/key`). */
@ApiSchema({ name: 'IntegrationKeyMethod' })
export class IntegrationKeyMethodDto {
  @ApiProperty({ enum: ['key'] })
  type: 'key';

  @ApiPropertyOptional()
  label?: string;
}

/** When a prompt is asked: only if an earlier answer equals (`eq`) or differs from (`neq`) a value. */
@ApiSchema({ name: 'IntegrationWhen' })
export class IntegrationWhenDto {
  @ApiProperty()
  key: string;

  @ApiProperty({ enum: ['eq', 'neq'] })
  op: 'eq' | 'neq';

  @ApiProperty()
  value: string;
}

/** A free-text question asked before an OAuth login starts; the answer goes in `inputs[key]`. */
@ApiSchema({ name: 'IntegrationTextPrompt' })
export class IntegrationTextPromptDto {
  @ApiProperty({ enum: ['text'] })
  type: 'text';

  @ApiProperty()
  key: string;

  @ApiProperty()
  message: string;

  @ApiPropertyOptional()
  placeholder?: string;

  @ApiPropertyOptional({ type: IntegrationWhenDto })
  when?: IntegrationWhenDto;
}

export class IntegrationSelectOptionDto {
  @ApiProperty()
  label: string;

  @ApiProperty()
  value: string;

  @ApiPropertyOptional()
  hint?: string;
}

/** A choice asked before an OAuth login starts; the chosen value goes in `inputs[key]`. */
@ApiSchema({ name: 'IntegrationSelectPrompt' })
export class IntegrationSelectPromptDto {
  @ApiProperty({ enum: ['select'] })
  type: 'select';

  @ApiProperty()
  key: string;

  @ApiProperty()
  message: string;

  @ApiProperty({ type: [IntegrationSelectOptionDto] })
  options: IntegrationSelectOptionDto[];

  @ApiPropertyOptional({ type: IntegrationWhenDto })
  when?: IntegrationWhenDto;
}

/** Connect through a provider login (`POST /api/integration/{id}/connect/oauth`, `methodID: id`). */
@ApiSchema({ name: 'IntegrationOAuthMethod' })
@ApiExtraModels(IntegrationTextPromptDto, IntegrationSelectPromptDto)
export class IntegrationOAuthMethodDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ enum: ['oauth'] })
  type: 'oauth';

  @ApiProperty()
  label: string;

  @ApiPropertyOptional({
    type: 'array',
    items: {
      anyOf: [
        { $ref: getSchemaPath(IntegrationTextPromptDto) },
        { $ref: getSchemaPath(IntegrationSelectPromptDto) },
      ],
    },
  })
  prompts?: Array<IntegrationTextPromptDto | IntegrationSelectPromptDto>;
}

/** Connected by any of these environment variables of the server process. */
@ApiSchema({ name: 'IntegrationEnvMethod' })
export class IntegrationEnvMethodDto {
  @ApiProperty({ enum: ['env'] })
  type: 'env';

  @ApiProperty({ type: [String] })
  names: string[];
}

/** A stored credential (`cred_...`). */
@ApiSchema({ name: 'ConnectionCredentialInfo' })
export class ConnectionCredentialInfoDto {
  @ApiProperty({ enum: ['credential'] })
  type: 'credential';

  @ApiProperty({ pattern: '^cred' })
  id: string;

  @ApiProperty()
  label: string;
}

/** An environment variable of the server process that is set. */
@ApiSchema({ name: 'ConnectionEnvInfo' })
export class ConnectionEnvInfoDto {
  @ApiProperty({ enum: ['env'] })
  type: 'env';

  @ApiProperty()
  name: string;
}

export type IntegrationMethod =
  IntegrationOAuthMethodDto | IntegrationKeyMethodDto | IntegrationEnvMethodDto;
export type ConnectionInfo = ConnectionCredentialInfoDto | ConnectionEnvInfoDto;

/** A provider to authenticate: how it can be connected, and the connections it has. */
@ApiSchema({ name: 'IntegrationInfo' })
@ApiExtraModels(
  IntegrationOAuthMethodDto,
  IntegrationKeyMethodDto,
  IntegrationEnvMethodDto,
  ConnectionCredentialInfoDto,
  ConnectionEnvInfoDto,
)
export class IntegrationInfoDto {
  @ApiProperty({ description: 'The provider id' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({
    type: 'array',
    items: {
      anyOf: [
        { $ref: getSchemaPath(IntegrationOAuthMethodDto) },
        { $ref: getSchemaPath(IntegrationKeyMethodDto) },
        { $ref: getSchemaPath(IntegrationEnvMethodDto) },
      ],
    },
  })
  methods: IntegrationMethod[];

  @ApiProperty({
    type: 'array',
    items: {
      anyOf: [
        { $ref: getSchemaPath(ConnectionCredentialInfoDto) },
        { $ref: getSchemaPath(ConnectionEnvInfoDto) },
      ],
    },
  })
  connections: ConnectionInfo[];
}

export class IntegrationParamsDto {
  @Field.string()
  integrationID: string;
}

/** `GET /api/integration/{integrationID}` of an id no provider has. */
@ApiSchema({ name: 'IntegrationNotFoundError' })
export class IntegrationNotFoundErrorDto {
  @ApiProperty({ enum: ['IntegrationNotFoundError'] })
  _tag: 'IntegrationNotFoundError';

  @ApiProperty()
  integrationID: string;

  @ApiProperty()
  message: string;
}

/** `POST /api/integration/{integrationID}/connect/key`. */
export class IntegrationConnectKeyDto {
  @Field.string({ notEmpty: true, description: 'The API key; stored, never shown again' })
  key: string;

  @Field.string({ optional: true, notEmpty: true, description: 'Default: "default"' })
  label?: string;
}

/** `POST /api/integration/{integrationID}/connect/oauth`. */
export class IntegrationConnectOAuthDto {
  @Field.string({
    notEmpty: true,
    description: "The `id` of one of the integration's OAuth methods",
  })
  methodID: string;

  @Field.record({ values: 'string', description: "Answers to the method's prompts, by key" })
  inputs: Record<string, string>;

  @Field.string({ optional: true, notEmpty: true, description: 'Default: "default"' })
  label?: string;
}

/** `POST /api/integration/attempt/{attemptID}/complete`. */
export class IntegrationAttemptCompleteDto {
  @Field.string({ optional: true, description: 'What the user pasted (code-mode attempts)' })
  code?: string;
}

export class IntegrationAttemptParamsDto {
  @Field.string()
  attemptID: string;
}

export class AttemptTimeDto {
  @ApiProperty({ description: 'Epoch milliseconds' })
  created: number;

  @ApiProperty({ description: 'Epoch milliseconds; a pending attempt expires then' })
  expires: number;
}

/** A started OAuth login: where to send the user, and how it finishes. */
@ApiSchema({ name: 'IntegrationAttempt' })
export class IntegrationAttemptDto {
  @ApiProperty({ pattern: '^con' })
  attemptID: string;

  @ApiProperty()
  url: string;

  @ApiProperty()
  instructions: string;

  @ApiProperty({
    enum: ['auto', 'code'],
    description:
      '`auto`: finishes by itself (browser redirect, device approval), poll the status; `code`: complete it with the code the user pastes',
  })
  mode: 'auto' | 'code';

  @ApiProperty({ type: AttemptTimeDto })
  time: AttemptTimeDto;
}

/** Where an OAuth attempt stands. */
@ApiSchema({ name: 'IntegrationAttemptStatus' })
export class IntegrationAttemptStatusDto {
  @ApiProperty({ enum: ['pending', 'complete', 'failed', 'expired'] })
  status: 'pending' | 'complete' | 'failed' | 'expired';

  @ApiPropertyOptional({ description: 'Why it failed (status `failed` only)' })
  message?: string;

  @ApiProperty({ type: AttemptTimeDto })
  time: AttemptTimeDto;
}

/** An OAuth attempt id that is unknown, cancelled or forgotten. */
@ApiSchema({ name: 'IntegrationAttemptNotFoundError' })
export class IntegrationAttemptNotFoundErrorDto {
  @ApiProperty({ enum: ['IntegrationAttemptNotFoundError'] })
  _tag: 'IntegrationAttemptNotFoundError';

  @ApiProperty()
  attemptID: string;

  @ApiProperty()
  message: string;
}

/** `PATCH /api/credential/{credentialID}`. */
export class CredentialUpdateDto {
  @Field.string({ notEmpty: true })
  label: string;
}

export class CredentialParamsDto {
  @Field.string()
  credentialID: string;
}
