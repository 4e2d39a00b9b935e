import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ApiNamedSchema } from '../../core/http/named-schema';
import { zodToOpenApi } from '../../core/http/zod-schema';
import { ConfigSchema } from '../config.schema';

/**
 * The `Config` component of /doc. Its properties are generated from `ConfigSchema`, the one
 * definition that also validates config files and `PATCH /config` bodies (with zod, because the
 * config's unions and open maps, e.g. `permission: "ask" | { bash: { "git *": "allow" } }`, are
 * beyond class-validator), so the documentation cannot drift from what is accepted. Generated
 * when /doc is first built, not at import: converting the whole schema costs every start ~15 ms.
 */
@ApiNamedSchema('Config', configComponent)
export class ConfigDto {
  [key: string]: unknown;
}

function configComponent(): SchemaObject {
  const { properties } = zodToOpenApi(ConfigSchema) as {
    properties: Record<string, SchemaObject>;
  };
  // `type` first, as in the rest of the document (@nestjs/swagger writes it first).
  const ordered = Object.entries(properties).map(([key, property]) => [
    key,
    'type' in property ? { type: property.type, ...property } : property,
  ]);
  return { type: 'object', properties: Object.fromEntries(ordered) as SchemaObject['properties'] };
}
