import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
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
    rememberValidationMetadata();
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
  // class-validator lists unknown properties before the checks of known ones. A known field
  // that fails is the better answer: a union item whose discriminator is wrong (`type: null`)
  // has every field of the intended member "unknown", and was reported as `parts.0.text: property
  // text should not exist` instead of naming `parts.0.type`.
  const ordered = [
    ...errors.filter((error) => !isUnknownProperty(error)),
    ...errors.filter(isUnknownProperty),
  ];
  for (const error of ordered) {
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

function isUnknownProperty(error: ValidationError): boolean {
  return (
    error.constraints !== undefined &&
    Object.keys(error.constraints).join() === 'whitelistValidation'
  );
}

type MetadataLookup = (target: unknown, schema: string, ...rest: unknown[]) => unknown[];
interface LookupStorage {
  getTargetValidationMetadatas: MetadataLookup;
  addValidationMetadata: (...args: unknown[]) => void;
  [REMEMBERED]?: true;
}
const REMEMBERED = Symbol('remembered');

/**
 * class-validator looks a class's checks up on every validation by scanning every class that has
 * any (for inherited checks): with the ~150 DTO classes of the API, that scan cost more than the
 * checks themselves (measured: `/find/file` spent 5.5% of its CPU in it, 2.4% with 51 classes).
 * Checks are declared when the modules load, so the answer for a class does not change
 * afterwards: it is remembered per class and options, and forgotten whenever a check is added.
 * Falls back to the library's own lookup if its storage ever stops looking like this.
 */
function rememberValidationMetadata(): void {
  const storage = getMetadataStorage() as unknown as Partial<LookupStorage>;
  const lookup = storage.getTargetValidationMetadatas;
  const add = storage.addValidationMetadata;
  if (storage[REMEMBERED] || typeof lookup !== 'function' || typeof add !== 'function') return;
  let cache = new Map<unknown, Map<string, unknown[]>>();
  storage.getTargetValidationMetadatas = function (target, schema, ...rest) {
    let byOptions = cache.get(target);
    if (!byOptions) cache.set(target, (byOptions = new Map<string, unknown[]>()));
    const key = JSON.stringify([schema, ...rest]);
    let found = byOptions.get(key);
    if (!found) byOptions.set(key, (found = lookup.call(this, target, schema, ...rest)));
    return found;
  };
  storage.addValidationMetadata = function (...args) {
    cache = new Map();
    add.apply(this, args);
  };
  storage[REMEMBERED] = true;
}
