import { InstanceQueryDto } from '../../core/http/endpoint.decorator';
import { Field } from '../../core/http/field.decorators';

export class GlobalSessionListQueryDto extends InstanceQueryDto {
  @Field.boolean({ optional: true, query: true, description: 'Only sessions without a parent' })
  roots?: boolean;

  @Field.number({
    optional: true,
    query: true,
    description: 'Only sessions updated at or after (ms)',
  })
  start?: number;

  @Field.number({
    optional: true,
    query: true,
    description: 'Only sessions updated before (ms): the `X-Next-Cursor` of the previous page',
  })
  cursor?: number;

  @Field.string({ optional: true, description: 'Only sessions whose title contains this text' })
  search?: string;

  @Field.int({
    optional: true,
    query: true,
    min: 1,
    // The reference documents it as a number.
    schema: { type: 'number' },
    description: 'Page size (default 100)',
  })
  limit?: number;

  @Field.boolean({
    optional: true,
    query: true,
    description: 'Archived sessions too (left out by default)',
  })
  archived?: boolean;
}
