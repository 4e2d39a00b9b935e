import { applyDecorators, type Type } from '@nestjs/common';
import { ApiHideProperty, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Transform, Type as TransformTo } from 'class-transformer';
import {
  Allow,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { ID_PREFIXES, type IdKind } from '../id';
import { IsEntityId, IsStringMatrix, IsStringRecord } from './validators';

// One decorator per DTO field: each `Field.*` documents the field in /doc (`@ApiProperty`),
// validates it (class-validator) and converts it (class-transformer) from one set of options,
// so the schema cannot drift from the checks (as Immich's `@ValidateUUID` / `@ValidateEnum`).
//
// Check order. With `stopAtFirstError` the first failing check names the failure, and checks
// run in the order they are registered. The hand-stacked decorators these replace registered the
// bottom one first, so a field's constraints (pattern, length, range) ran before its type check;
// each helper keeps that order, so every 400 message stays as it was. `typeFirst` checks the
// type first (the `/api` routes were written that way).
//
// Response-only classes keep plain `@ApiProperty` where a composite would add nothing but
// checks that never run; ids use `Field.id` everywhere, so the `^ses` patterns have one source.

/** Options every field takes. */
export interface FieldOptions {
  /**
   * May be absent (not listed in `required`). `null` is refused unless the field is also
   * `nullable` (see {@link field}).
   */
  optional?: boolean;
  /** May be null; documented as `[type, 'null']`. A required nullable field must be present. */
  nullable?: boolean;
  description?: string;
  /**
   * Documents the field with this schema instead of the one its checks imply: where the
   * reference documents a field otherwise (an integer as `number`, digits as a string).
   */
  schema?: SchemaObject;
}

export interface StringFieldOptions extends FieldOptions {
  /** Refuses `''` ("should not be empty"). */
  notEmpty?: boolean;
  minLength?: number;
  maxLength?: number;
  /** The value must match; documented as `pattern` (the expression's source). */
  pattern?: RegExp;
  /** The 400 message when `pattern` does not match (`$property` is the field's name). */
  patternMessage?: string;
  /** Refuses an absent field with this message before any other check. */
  requiredMessage?: string;
  typeFirst?: boolean;
}

export interface NumberFieldOptions extends FieldOptions {
  min?: number;
  max?: number;
  /**
   * A query parameter: the text is converted to a number first, and values beyond
   * `Number.MAX_SAFE_INTEGER` either way are refused (see {@link safeRange}).
   */
  query?: boolean;
}

export interface IntFieldOptions extends NumberFieldOptions {
  /** Greater than 0 ("must be a positive number"), documented as `minimum: 1`. */
  positive?: boolean;
  /** The 400 message of every check of the field. */
  message?: string;
  typeFirst?: boolean;
}

export interface BooleanFieldOptions extends FieldOptions {
  /**
   * A query parameter: `true` / `false` become booleans, anything else fails. Documented as
   * the reference does: a boolean, or the text `true` / `false`.
   */
  query?: boolean;
}

export interface EnumFieldOptions extends FieldOptions {
  /** The 400 message when the value is not one of the values. */
  message?: string;
}

export interface NestedFieldOptions extends FieldOptions {
  /** An array of them. */
  each?: boolean;
  /** With `each`: at least this many. */
  minItems?: number;
}

export interface UnionFieldOptions extends NestedFieldOptions {
  /** The property that tells the members apart (`type`, `status`). */
  discriminator: string;
  /** The member class for each value of the discriminator. */
  members: Readonly<Record<string, Type>>;
  /**
   * The named union component (`ApiUnionSchema`) the field refers to; without it, the members
   * are documented inline as `anyOf`.
   */
  documentedAs?: () => Type;
  /** The 400 message when the discriminator names no member. */
  unknownMessage?: string;
}

export interface RecordFieldOptions extends FieldOptions {
  /**
   * What the values are: `'string'` is checked; any other schema only documents them (and
   * `true`, the default, says anything).
   */
  values?: 'string' | SchemaObject | true;
}

/** Query strings carry booleans as text: `true`/`false` become booleans, anything else fails. */
function queryBoolean({ value }: { value: unknown }): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

const FINITE = { allowNaN: false, allowInfinity: false };

/**
 * Limits to the safe integers where no tighter bound is given. Past them a number no longer
 * stands for what was sent (`9007199254740993` reads as `...992`, 24 digits as `1e23`), and
 * integers are used as ids, counts, offsets and timestamps that services turn into dates,
 * SQL parameters and array sizes: `IsInt` alone accepted `1e23`. Checked last, so the usual
 * type and range messages come first. Deliberate difference: the reference refuses such
 * integers in bodies but takes them in number queries (`GET /session?start=`), where it answered
 * a 500 for `limit`.
 */
function safeRange(
  min: number | undefined,
  max: number | undefined,
  options?: ValidationOptions,
): PropertyDecorator[] {
  return [
    ...(max === undefined ? [Max(Number.MAX_SAFE_INTEGER, options)] : []),
    ...(min === undefined ? [Min(-Number.MAX_SAFE_INTEGER, options)] : []),
  ];
}

/**
 * Builds a field: its documentation, whether it may be absent or null, the checks in the order
 * they run, and the conversions. `nullIsValue`: `null` is a value of the field as it is (any
 * JSON), never taken as absent.
 */
function field(
  documentation: Documentation,
  options: FieldOptions,
  checks: Array<PropertyDecorator | false | undefined>,
  conversions: PropertyDecorator[] = [],
  nullIsValue = false,
): PropertyDecorator {
  const { optional, nullable, description, schema } = options;
  const documented: Record<string, unknown> = {
    ...(schema ?? documentation),
    ...(nullable && { nullable: true }),
    ...(description !== undefined && { description }),
    ...(optional && { required: false }),
  };
  // `@IsOptional` skips the checks for `null` as well as for an absent field, and the `null`
  // went on to services that read a string there (`PATCH /session/:id {"title": null}` was a
  // 500). An optional field may be absent; a `null` is checked like any other value and refused
  // with a 400 naming the field, as issue 13 asks. Where `null` means something, the field is
  // `nullable`. (The reference's runtime mostly takes such a `null` as the field left out,
  // though its schemas do not allow it.)
  const presence: PropertyDecorator[] = [];
  if (optional && (nullable || nullIsValue)) presence.push(IsOptional());
  else if (optional) presence.push(ValidateIf((_object, value) => value !== undefined));
  else if (nullable) presence.push(ValidateIf((_object, value) => value !== null));
  return applyDecorators(
    ApiProperty(documented),
    ...presence,
    ...checks.filter((check): check is PropertyDecorator => Boolean(check)),
    ...conversions,
  );
}

/** The checks of a value and its constraints, in the order described at the top. */
function ordered(
  type: PropertyDecorator,
  constraints: Array<PropertyDecorator | false | undefined>,
  typeFirst = false,
): Array<PropertyDecorator | false | undefined> {
  return typeFirst ? [type, ...[...constraints].reverse()] : [...constraints, type];
}

/** `$ref`s to classes documented as components (registered with `@ApiExtraModels`). */
function refsTo(types: readonly Type[]): Documentation[] {
  return types.map((type) => ({ $ref: getSchemaPath(type) }));
}

/** What `@ApiProperty` is given (a schema, where `type` may also be a class). */
type Documentation = Record<string, unknown>;

/** A class, or a function returning one (for classes declared further down the file). */
type TypeOrThunk = Type | (() => Type);

/** Classes have a prototype; arrow functions returning one do not. */
function isClass(type: TypeOrThunk): type is Type {
  return type.prototype !== undefined;
}

/**
 * The class for class-transformer, and for @nestjs/swagger the class or a lazy reference (it
 * takes a function as one only when that function is named `type`, hence the object literal).
 */
function classOf(type: TypeOrThunk): { resolve: () => Type; documented: Type | (() => Type) } {
  const resolve = isClass(type) ? () => type : type;
  const lazy = { type: () => resolve() };
  return { resolve, documented: isClass(type) ? type : lazy.type };
}

/** Checks of an object field, or of an array of objects with `each`. */
function nestedChecks(options: NestedFieldOptions): PropertyDecorator[] {
  if (options.each) {
    return [
      ValidateNested({ each: true }),
      ...(options.minItems !== undefined ? [ArrayMinSize(options.minItems)] : []),
      IsArray(),
    ];
  }
  // A required object is checked to be one; an optional one only when given (as before).
  return options.optional ? [ValidateNested()] : [ValidateNested(), IsObject()];
}

export const Field = {
  /** A string, with optional length and pattern limits. */
  string(options: StringFieldOptions = {}): PropertyDecorator {
    const { pattern, patternMessage, maxLength, minLength } = options;
    const documentation: Documentation = {
      type: 'string',
      ...(pattern && { pattern: pattern.source }),
      ...(minLength !== undefined && { minLength }),
      ...(maxLength !== undefined && { maxLength }),
    };
    return field(documentation, options, [
      options.requiredMessage !== undefined && IsDefined({ message: options.requiredMessage }),
      ...ordered(
        IsString(),
        [
          pattern && Matches(pattern, patternMessage ? { message: patternMessage } : undefined),
          maxLength !== undefined && MaxLength(maxLength),
          minLength !== undefined && MinLength(minLength),
          options.notEmpty && IsNotEmpty(),
        ],
        options.typeFirst,
      ),
    ]);
  },

  /** An id of `kind` (`ses_...`): documented with its prefix, a malformed one is a 400. */
  id(kind: IdKind, options: FieldOptions = {}): PropertyDecorator {
    return field({ type: 'string', pattern: `^${ID_PREFIXES[kind]}` }, options, [IsEntityId(kind)]);
  },

  /** One of `values`; `enumName` makes the values a named component (`PermissionAction`). */
  enum(
    values: readonly (string | number | boolean)[],
    nameOrOptions?: string | EnumFieldOptions,
    maybeOptions: EnumFieldOptions = {},
  ): PropertyDecorator {
    const enumName = typeof nameOrOptions === 'string' ? nameOrOptions : undefined;
    const options = typeof nameOrOptions === 'object' ? nameOrOptions : maybeOptions;
    const message: ValidationOptions | undefined =
      options.message !== undefined ? { message: options.message } : undefined;
    return field({ enum: [...values], ...(enumName && { enumName }) }, options, [
      IsIn([...values], message),
    ]);
  },

  /** An integer, with optional bounds. */
  int(options: IntFieldOptions = {}): PropertyDecorator {
    const { min, max, positive, query } = options;
    const message: ValidationOptions | undefined =
      options.message !== undefined ? { message: options.message } : undefined;
    const documentation: Documentation = {
      type: 'integer',
      ...(min !== undefined && { minimum: min }),
      ...(positive && min === undefined && { minimum: 1 }),
      ...(max !== undefined && { maximum: max }),
    };
    return field(
      documentation,
      options,
      [
        ...ordered(
          IsInt(message),
          [
            max !== undefined && Max(max, message),
            min !== undefined && Min(min, message),
            positive && IsPositive(message),
          ],
          options.typeFirst,
        ),
        ...safeRange(positive ? 1 : min, max, message),
      ],
      query ? [TransformTo(() => Number)] : [],
    );
  },

  /** A finite number (within the safe integers when it comes from a query string). */
  number(options: NumberFieldOptions = {}): PropertyDecorator {
    const { min, max, query } = options;
    const documentation: Documentation = {
      type: 'number',
      ...(min !== undefined && { minimum: min }),
      ...(max !== undefined && { maximum: max }),
    };
    return field(
      documentation,
      options,
      [
        max !== undefined && Max(max),
        min !== undefined && Min(min),
        IsNumber(FINITE),
        ...(query ? safeRange(min, max) : []),
      ],
      query ? [TransformTo(() => Number)] : [],
    );
  },

  boolean(options: BooleanFieldOptions = {}): PropertyDecorator {
    const documentation: Documentation = options.query
      ? { anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }] }
      : { type: 'boolean' };
    return field(
      documentation,
      options,
      [IsBoolean()],
      options.query ? [Transform(queryBoolean)] : [],
    );
  },

  /** An object of class `type`, validated with its own fields (or an array of them: `each`). */
  nested(type: TypeOrThunk, options: NestedFieldOptions = {}): PropertyDecorator {
    const { resolve, documented } = classOf(type);
    const documentation = { type: documented, ...(options.each && { isArray: true }) };
    return field(documentation, options, nestedChecks(options), [TransformTo(resolve)]);
  },

  /**
   * One of several classes told apart by a property (`type`), or an array of them (`each`).
   * A value whose discriminator names no member fails on that property.
   */
  union(options: UnionFieldOptions): PropertyDecorator {
    const { discriminator, members, documentedAs } = options;
    const names = Object.keys(members);
    /** Stands for a value whose discriminator is none of the members': it fails by name. */
    class UnknownMember {}
    IsIn(names, options.unknownMessage !== undefined ? { message: options.unknownMessage } : {})(
      UnknownMember.prototype,
      discriminator,
    );
    let documentation: Documentation;
    if (documentedAs) {
      const { documented } = classOf(documentedAs);
      documentation = { type: documented, ...(options.each && { isArray: true }) };
    } else {
      const anyOf = { anyOf: refsTo(Object.values(members)) };
      documentation = options.each ? { type: 'array', items: anyOf } : anyOf;
    }
    return field(documentation, options, nestedChecks(options), [
      TransformTo(() => UnknownMember, {
        discriminator: {
          property: discriminator,
          subTypes: Object.entries(members).map(([name, value]) => ({ name, value })),
        },
        keepDiscriminatorProperty: true,
      }),
    ]);
  },

  /** An object with any keys: string values are checked, other value schemas only documented. */
  record(options: RecordFieldOptions = {}): PropertyDecorator {
    const values = options.values ?? true;
    const strings = values === 'string';
    return field(
      { type: 'object', additionalProperties: strings ? { type: 'string' } : values },
      options,
      [strings ? IsStringRecord() : IsObject()],
    );
  },

  /** An array of strings. */
  stringArray(options: FieldOptions = {}): PropertyDecorator {
    return field({ type: 'array', items: { type: 'string' } }, options, [
      IsString({ each: true }),
      IsArray(),
    ]);
  },

  /** An array of string arrays (`[["Red"], ["S", "L"]]`). */
  stringMatrix(options: FieldOptions = {}): PropertyDecorator {
    return field({ type: 'array', items: { type: 'array', items: { type: 'string' } } }, options, [
      IsStringMatrix(),
    ]);
  },

  /** Any JSON value, unchecked (an adapter's own data). */
  json(options: FieldOptions = {}): PropertyDecorator {
    const { nullable, ...rest } = options;
    // `{}` is "any value"; a nullable one says so as the reference does.
    const documentation: Documentation = nullable ? { anyOf: [{}, { type: 'null' }] } : {};
    return field(documentation, rest, [Allow()], [], true);
  },

  /**
   * An optional string parameter accepted everywhere but documented once elsewhere (the
   * `directory` / `workspace` query parameters `@Endpoint` documents).
   */
  hidden(): PropertyDecorator {
    return applyDecorators(ApiHideProperty(), IsOptional(), IsString());
  },
};
