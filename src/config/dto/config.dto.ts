import { ApiPropertyOptional, ApiPropertyOptions, ApiSchema } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import { ConfigSchema } from '../config.schema';

/**
 * The `Config` component of /doc. Its properties are generated from `ConfigSchema`, the one
 * definition that also validates config files and `PATCH /config` bodies (with zod, because the
 * config's unions and open maps, e.g. `permission: "ask" | { bash: { "git *": "allow" } }`, are
 * beyond class-validator), so the documentation cannot drift from what is accepted.
 */
@ApiSchema({ name: 'Config' })
export class ConfigDto {
  [key: string]: unknown;
}

const configJsonSchema = z.toJSONSchema(ConfigSchema, {
  io: 'input',
  unrepresentable: 'any',
}) as { properties: Record<string, Record<string, unknown>> };

for (const [key, schema] of Object.entries(configJsonSchema.properties)) {
  const property = toOpenApi(schema) as SchemaObject;
  // @nestjs/swagger needs a `type` to resolve a property; on `anyOf` properties it drops it again.
  ApiPropertyOptional({ type: 'object', ...property } as ApiPropertyOptions)(
    ConfigDto.prototype,
    key,
  );
}

/**
 * Drops JSON Schema keywords OpenAPI tooling does not need (`propertyNames` on records, the
 * safe-integer bounds zod adds) and writes `const` as a one-value `enum`, as the reference does.
 */
function toOpenApi(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApi);
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
    out[key] = toOpenApi(value);
  }
  return out;
}
