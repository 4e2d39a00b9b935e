import { ApiPropertyOptional, ApiPropertyOptions, ApiSchema } from '@nestjs/swagger';
import { zodToOpenApi } from '../../core/http/zod-schema';
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

const configJsonSchema = zodToOpenApi(ConfigSchema) as {
  properties: Record<string, Record<string, unknown>>;
};

for (const [key, property] of Object.entries(configJsonSchema.properties)) {
  // @nestjs/swagger needs a `type` to resolve a property; on `anyOf` properties it drops it again.
  ApiPropertyOptional({ type: 'object', ...property } as ApiPropertyOptions)(
    ConfigDto.prototype,
    key,
  );
}
