import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { LOCATION_DIRECTORY_KEY, LOCATION_WORKSPACE_KEY } from './requested-location';
import { InstanceQueryDto } from '../endpoint.decorator';
import { Field } from '../field.decorators';

/**
 * Where a `/api` answer comes from: the directory, the workspace when one was named, and the
 * project the directory belongs to (`global` at `/` outside git), as the reference's `Location.Info`.
 */
@ApiSchema({ name: 'LocationInfo' })
export class LocationInfoDto {
  @ApiProperty({ description: 'Absolute, symlinks resolved' })
  directory: string;

  @Field.id('workspace', { optional: true })
  workspaceID?: string;

  @ApiProperty({
    type: 'object',
    properties: { id: { type: 'string' }, directory: { type: 'string' } },
    required: ['id', 'directory'],
    additionalProperties: false,
  })
  project: { id: string; directory: string };
}

/**
 * Base of the query DTOs of location-scoped `/api` routes. It accepts, so strict validation does
 * not refuse them, the keys the official SDK sends with every GET: `location[directory]` /
 * `location[workspace]` (read by `LocationInterceptor`), and from the classic base the
 * `directory` / `workspace` keys (ignored on `/api`, as by the reference).
 * `@V2Endpoint` documents `location` once, hence hidden.
 */
export class LocationQueryDto extends InstanceQueryDto {
  @Field.hidden()
  [LOCATION_DIRECTORY_KEY]?: string;

  @Field.hidden()
  [LOCATION_WORKSPACE_KEY]?: string;
}
