import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { BadRequestError } from '../errors/named-error';
import { describeIssue, fieldOf } from '../zod-issues';

/**
 * Validates a body with a zod schema (where the body mirrors a config schema, e.g. `POST /mcp`):
 * the parsed value goes on, and the first issue is the usual `BadRequest` with the field named
 * as the DTO validation names it (`config.oauth.callbackPort`). Used as
 * `@Body(new ZodBodyPipe(Schema))`; the global validation pipe leaves such a body alone, as its
 * type is no class.
 */
export class ZodBodyPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(private readonly schema: T) {}

  transform(value: unknown): z.output<T> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const { path, message } = describeIssue(result.error.issues);
    const where = path.map(String).join('.');
    const field = fieldOf(this.schema, result.error.issues[0], path);
    throw new BadRequestError(where ? `${where}: ${message}` : message, 'Body', field || undefined);
  }
}
