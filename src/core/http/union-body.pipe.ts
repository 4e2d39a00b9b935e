import { ArgumentMetadata, PipeTransform, Type } from '@nestjs/common';
import { BadRequestError } from '../errors/named-error';
import { AppValidationPipe } from './validation';

/**
 * Validates a body that is one of several DTOs told apart by one property (`type` of a `Part`,
 * of a TUI event): picks the member class by that property, then runs the app's validation pipe
 * with it, so each member is checked strictly (unknown fields refused) with the usual
 * `BadRequest` naming the field. Used as `@Body(new UnionBodyPipe('type', DTO_BY_TYPE))`.
 */
export class UnionBodyPipe<T> implements PipeTransform<unknown, Promise<T>> {
  private readonly validation = new AppValidationPipe();

  constructor(
    private readonly discriminator: string,
    private readonly members: Readonly<Record<string, Type>>,
  ) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<T> {
    const key =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)[this.discriminator]
        : undefined;
    if (typeof key !== 'string' || !Object.hasOwn(this.members, key)) {
      throw new BadRequestError(
        `${this.discriminator} must be one of the following values: ${Object.keys(this.members).join(', ')}`,
        'Body',
        this.discriminator,
      );
    }
    return (await this.validation.transform(value, {
      ...metadata,
      metatype: this.members[key],
    })) as T;
  }
}
