import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;
type ValidatorFactory = NonNullable<CompilersFactory['buildValidator']>;
type SerializerFactory = NonNullable<CompilersFactory['buildSerializer']>;

/**
 * Fastify's JSON-schema compilers (ajv for validation, fast-json-stringify for serialization),
 * loaded the first time a route declares a schema instead of when the server is created.
 * Fastify builds them only for such routes but requires both packages up front: ~100 files,
 * ~35 ms of start-up and ~3 MB. No route here declares one (Nest's validation pipe checks
 * bodies), so a running server never loads them. They are the compilers Fastify would have
 * used, resolved from Fastify's own dependencies and built the same way.
 */
export function lazySchemaCompilers(): { compilersFactory: Required<CompilersFactory> } {
  const fromFastify = createRequire(require.resolve('fastify'));
  let validator: ValidatorFactory | undefined;
  let serializer: SerializerFactory | undefined;
  return {
    compilersFactory: {
      buildValidator: (externalSchemas, options) => {
        validator ??= (fromFastify('@fastify/ajv-compiler') as () => ValidatorFactory)();
        return validator(externalSchemas, options);
      },
      buildSerializer: (externalSchemas, options) => {
        serializer ??= (
          fromFastify('@fastify/fast-json-stringify-compiler') as () => SerializerFactory
        )();
        return serializer(externalSchemas, options);
      },
    },
  };
}
