import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { InstanceQueryDto } from '../../core/http/endpoint.decorator';
import { Field } from '../../core/http/field.decorators';
import { LocationQueryDto } from '../../core/http/v2/location.dto';

export const PTY_STATUSES = ['running', 'exited'] as const;
export type PtyStatus = (typeof PTY_STATUSES)[number];

/**
 * Largest terminal size taken: far past any screen (a 4K display in a 6 px font is about 640
 * columns), small enough that a typo (`100000`) is refused instead of handed to the kernel.
 */
export const MAX_PTY_ROWS = 1000;
export const MAX_PTY_COLUMNS = 1000;

/** One terminal, as the reference's `Pty`. */
@ApiSchema({ name: 'Pty' })
export class PtyDto {
  @Field.id('pty')
  id: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ description: 'The program run (a shell unless another was asked for)' })
  command: string;

  @ApiProperty({ type: [String] })
  args: string[];

  @ApiProperty({ description: 'Absolute directory the program started in' })
  cwd: string;

  @ApiProperty({ enum: PTY_STATUSES })
  status: PtyStatus;

  @ApiProperty({ type: 'integer', minimum: 0 })
  pid: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Once exited' })
  exitCode?: number;
}

/** Body of `POST /pty` and `POST /api/pty`: every field optional. */
export class PtyCreateDto {
  @Field.string({
    optional: true,
    notEmpty: true,
    maxLength: 4096,
    description: 'Program to run, a path or a name on PATH; default the user’s shell',
  })
  command?: string;

  @Field.stringArray({ optional: true, description: 'Its arguments' })
  args?: string[];

  @Field.string({
    optional: true,
    notEmpty: true,
    maxLength: 4096,
    description: 'Directory to start in, inside the project; default the project directory',
  })
  cwd?: string;

  @Field.string({ optional: true, maxLength: 1024, description: 'Default "Terminal <id end>"' })
  title?: string;

  @Field.record({ optional: true, values: 'string', description: 'Added to the environment' })
  env?: Record<string, string>;
}

export class PtySizeDto {
  @Field.int({ positive: true, max: MAX_PTY_ROWS, typeFirst: true })
  rows: number;

  @Field.int({ positive: true, max: MAX_PTY_COLUMNS, typeFirst: true })
  cols: number;
}

/** Body of `PUT /pty/:ptyID`: a new title, a new size, or both. */
export class PtyUpdateDto {
  @Field.string({ optional: true, maxLength: 1024, description: 'An empty title is ignored' })
  title?: string;

  @Field.nested(PtySizeDto, { optional: true, description: 'Rows and columns' })
  size?: PtySizeDto;
}

export class PtyParamsDto {
  @Field.id('pty')
  ptyID: string;
}

/** Query of `pty.connect`: where to replay from, and a ticket in place of credentials. */
export class PtyConnectQueryDto extends InstanceQueryDto {
  @Field.string({ optional: true, description: 'Output offset to replay from; -1: none' })
  cursor?: string;

  @Field.string({ optional: true, description: 'Single-use ticket from pty.connectToken' })
  ticket?: string;
}

/** The same for `v2.pty.connect` (its location as `location[directory]`). */
export class PtyV2ConnectQueryDto extends LocationQueryDto {
  @Field.string({ optional: true, description: 'Output offset to replay from; -1: none' })
  cursor?: string;

  @Field.string({ optional: true, description: 'Single-use ticket from v2.pty.connectToken' })
  ticket?: string;
}

/** One shell of the system (`/etc/shells`). */
export class PtyShellDto {
  @ApiProperty()
  path: string;

  @ApiProperty({ description: 'Its name when PATH finds it by that name, else its path' })
  name: string;

  @ApiProperty({ description: 'False for shells the agent cannot run commands with (fish, nu)' })
  acceptable: boolean;
}

@ApiSchema({ name: 'PtyTicketConnectToken' })
export class PtyTicketConnectTokenDto {
  @ApiProperty({ description: 'Pass as `?ticket=` to pty.connect, once' })
  ticket: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Seconds it stays valid' })
  expires_in: number;
}

@ApiSchema({ name: 'PtyNotFoundError' })
export class PtyNotFoundErrorDto {
  @ApiProperty({ enum: ['PtyNotFoundError'] })
  _tag: 'PtyNotFoundError';

  @ApiProperty()
  ptyID: string;

  @ApiProperty()
  message: string;
}

@ApiSchema({ name: 'PtyForbiddenError' })
export class PtyForbiddenErrorDto {
  @ApiProperty({ enum: ['PtyForbiddenError'] })
  _tag: 'PtyForbiddenError';

  @ApiProperty()
  message: string;
}
