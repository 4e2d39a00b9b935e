import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** The 404 of a permission request that is not pending (or is another session's). */
@ApiSchema({ name: 'PermissionNotFoundError' })
export class PermissionNotFoundErrorDto {
  @ApiProperty({ enum: ['PermissionNotFoundError'] })
  _tag: 'PermissionNotFoundError';

  @ApiProperty()
  requestID: string;

  @ApiProperty()
  message: string;
}
