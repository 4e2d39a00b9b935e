import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { BadRequestError, BadRequestKind } from '../errors/named-error';

const KIND_BY_ARGUMENT: Record<ArgumentMetadata['type'], BadRequestKind> = {
  body: 'Body',
  query: 'Query',
  param: 'Params',
  custom: 'Payload',
};

/**
 * The global validation pipe: DTOs are transformed to their classes, unknown fields are refused,
 * and the first failure becomes a `BadRequest` error that names the field (`parts.0.text`) and
 * where it was (`Body`, `Query`, `Params`).
 */
@Injectable()
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      stopAtFirstError: true,
      exceptionFactory: (errors: ValidationError[]) => {
        const [field, message] = firstFailure(errors) ?? ['', 'Invalid request'];
        return new BadRequestError(message, undefined, field || undefined);
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return (await super.transform(value, metadata)) as unknown;
    } catch (error) {
      if (error instanceof BadRequestError) {
        throw new BadRequestError(
          error.data.message,
          KIND_BY_ARGUMENT[metadata.type],
          error.data.field,
        );
      }
      throw error;
    }
  }
}

function firstFailure(errors: ValidationError[], prefix = ''): [string, string] | undefined {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) {
      // class-validator names the leaf property only; give the full path instead.
      const message = messages[0].startsWith(error.property)
        ? path + messages[0].slice(error.property.length)
        : `${path}: ${messages[0]}`;
      return [path, message];
    }
    const nested = firstFailure(error.children ?? [], path);
    if (nested) return nested;
  }
  return undefined;
}
