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

export type IntegrationMethod = IntegrationKeyMethodDto | IntegrationEnvMethodDto;
export type ConnectionInfo = ConnectionCredentialInfoDto | ConnectionEnvInfoDto;

/** A provider to authenticate: how it can be connected, and the connections it has. */
@ApiSchema({ name: 'IntegrationInfo' })
@ApiExtraModels(
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
