import { ValidateBy, type ValidationOptions } from 'class-validator';

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
