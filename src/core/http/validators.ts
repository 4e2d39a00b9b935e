import { Matches, ValidateBy, type ValidationOptions } from 'class-validator';
import { ID_PREFIXES, idPattern, type IdKind } from '../id';

/** An object whose values are all strings (metadata, headers, environment variables). */
export function IsStringRecord(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.values(value).every((item) => typeof item === 'string'),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an object of strings`,
      },
    },
    options,
  );
}

/** An array of string arrays (`[["Red"], ["S", "L"]]`: one list of choices per question). */
export function IsStringMatrix(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringMatrix',
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.every((row) => Array.isArray(row) && row.every((item) => typeof item === 'string')),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an array of string arrays`,
      },
    },
    options,
  );
}

/**
 * An id of `kind` (`sessionID`, `messageID`, ...), in a body, query or path: a malformed id is a
 * 400 naming the field, so lookups only ever see well-formed ids (and an unknown one is a 404).
 */
export function IsEntityId(kind: IdKind): PropertyDecorator {
  return Matches(idPattern(kind), {
    message: `$property must be an id starting with "${ID_PREFIXES[kind]}_"`,
  });
}
