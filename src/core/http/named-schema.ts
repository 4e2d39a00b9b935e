import type { Type } from '@nestjs/common';
import { ApiSchema, getSchemaPath, type ApiSchemaOptions } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * Documents a class as a named component with any schema (`ToolIDs` as an array of strings).
 * @nestjs/swagger only builds object schemas from classes, but spreads the extra options of
 * `@ApiSchema` over the generated schema, so the `type`/`properties` it would emit are replaced.
 * The class carries no properties: it exists to be referenced (`response: ToolIdsSchema`).
 */
export function ApiNamedSchema(name: string, schema: SchemaObject): ClassDecorator {
  const options = { name, type: undefined, properties: undefined, ...schema };
  return (target) => ApiSchema(options as ApiSchemaOptions)(target);
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
