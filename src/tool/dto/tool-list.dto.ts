import { ApiExtraModels, ApiProperty, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { ApiNamedSchema } from '../../core/http/named-schema';

@ApiSchema({ name: 'ToolListItem' })
export class ToolListItemDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ description: 'JSON schema of the tool input' })
  parameters: unknown;
}

@ApiNamedSchema('ToolIDs', { type: 'array', items: { type: 'string' } })
export class ToolIdsSchema {}

@ApiExtraModels(ToolListItemDto)
@ApiNamedSchema('ToolList', { type: 'array', items: { $ref: getSchemaPath(ToolListItemDto) } })
export class ToolListSchema {}
