import type { Type } from '@nestjs/common';
import { ApiSchema, getSchemaPath, type ApiSchemaOptions } from '@nestjs/swagger';

/**
 * Documents a class as a named union component (`Part`, `Message`, `SessionStatus`):
 * `{ anyOf: [$ref ...] }`, as the reference names its unions. @nestjs/swagger only builds object
 * schemas from classes, but spreads the extra options of `@ApiSchema` over the generated schema,
 * so the `type`/`properties` it would emit are cleared and `anyOf` put in their place. The class
 * carries no properties: it exists to be referenced (`@ApiProperty({ type: () => PartSchema })`).
 * The member classes must be registered too (`@ApiExtraModels` on a controller).
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
