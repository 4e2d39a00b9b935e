import type { Type } from '@nestjs/common';
import { ApiSchema, getSchemaPath, type ApiSchemaOptions } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * Documents a class as a named component with any schema (`ToolIDs` as an array of strings).
 * @nestjs/swagger only builds object schemas from classes, but spreads the extra options of
 * `@ApiSchema` over the generated schema, so the `type`/`properties` it would emit are replaced.
 * The class carries no properties: it exists to be referenced (`response: ToolIdsSchema`).
 *
 * Given a function, the schema is built when /doc is first built rather than at import (a schema
 * generated from zod costs milliseconds of every start for a document most servers never serve):
 * the options are then a proxy that answers `name` at once (`getSchemaPath` reads it while other
 * classes are decorated) and everything else from the schema, built on first use.
 */
export function ApiNamedSchema(
  name: string,
  schema: SchemaObject | (() => SchemaObject),
): ClassDecorator {
  const build = () => ({ name, type: undefined, properties: undefined, ...resolve(schema) });
  const options = typeof schema === 'function' ? lazyOptions(name, build) : build();
  return (target) => ApiSchema(options as ApiSchemaOptions)(target);
}

const resolve = (schema: SchemaObject | (() => SchemaObject)) =>
  typeof schema === 'function' ? schema() : schema;

/** An object that reads as `build()`'s result, built on the first access to anything but `name`. */
function lazyOptions(name: string, build: () => object): object {
  let built: object | undefined;
  const options = () => (built ??= build());
  return new Proxy(
    {},
    {
      get: (_target, key) => (key === 'name' ? name : (Reflect.get(options(), key) as unknown)),
      has: (_target, key) => Reflect.has(options(), key),
      ownKeys: () => Reflect.ownKeys(options()),
      getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(options(), key),
    },
  );
}

/**
 * Documents a class as a named union component (`Part`, `Message`, `SessionStatus`):
 * `{ anyOf: [$ref ...] }`, as the reference names its unions. The member classes must be
 * registered too (`@ApiExtraModels` on a controller).
 */
export function ApiUnionSchema(name: string, members: () => Type[]): ClassDecorator {
  return (target) => {
    const options = {
      name,
      get anyOf() {
        return members().map((member) => ({ $ref: getSchemaPath(member) }));
      },
      type: undefined,
      properties: undefined,
    };
    ApiSchema(options as ApiSchemaOptions)(target);
  };
}
