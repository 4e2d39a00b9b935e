import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import { ApiNamedSchema } from './named-schema';

/**
 * The OpenAPI schema of a zod schema, as /doc writes it: the input side (what a client sends),
 * without JSON Schema keywords OpenAPI tooling does not need (`$schema`, `propertyNames` on
 * records, the safe-integer bounds zod adds), `const` written as a one-value `enum` and unions as
 * `anyOf`, as the reference does. Sub-schemas named in `components` become `$ref`s to them.
 */
export function zodToOpenApi(
  schema: z.ZodType,
  components: ReadonlyMap<z.core.$ZodType, string> = new Map(),
): SchemaObject {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const root = (zodSchema as unknown) === schema;
      const name = root ? undefined : components.get(zodSchema);
      if (name === undefined) return;
      // Only the reference is kept (a `description` beside it too, as a property may carry one).
      for (const key of Object.keys(jsonSchema)) if (key !== 'description') delete jsonSchema[key];
      jsonSchema.$ref = `#/components/schemas/${name}`;
    },
  });
  return clean(json) as SchemaObject;
}

function clean(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(clean);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === 'propertyNames') continue;
    if (key === 'const') {
      out.enum = [value];
      continue;
    }
    if ((key === 'maximum' || key === 'minimum') && Math.abs(value as number) >= 2 ** 53 - 1) {
      continue;
    }
    out[key === 'oneOf' ? 'anyOf' : key] = NAMED.has(key) ? cleanEach(value) : clean(value);
  }
  return out;
}

/** Keywords whose keys are names (of properties, definitions), not keywords. */
const NAMED = new Set(['properties', 'patternProperties', '$defs']);

function cleanEach(schemas: unknown): unknown {
  if (typeof schemas !== 'object' || schemas === null) return schemas;
  return Object.fromEntries(Object.entries(schemas).map(([name, value]) => [name, clean(value)]));
}

/**
 * Documents a class as the named component generated from a zod schema (`McpLocalConfig`), so
 * the documentation is the schema that validates. Register the class with `@ApiExtraModels`.
 */
export function ApiZodSchema(
  name: string,
  schema: z.ZodType,
  components?: ReadonlyMap<z.core.$ZodType, string>,
): ClassDecorator {
  // Built with the document, not at import: only /doc reads it.
  return ApiNamedSchema(name, () => zodToOpenApi(schema, components));
}
