import { createRequire } from 'node:module';

const requireHere = createRequire(__filename);

/**
 * A package loaded the first time it is used rather than at start-up, for synchronous code
 * (async code uses `await import()`). Pair it with `import type * as X from 'pkg'` so the
 * package is never imported for its types: `const yaml = lazyRequire<typeof Yaml>('yaml')`,
 * then `yaml().parse(text)`. Node caches the module, so each later call is a cache lookup.
 */
export function lazyRequire<T>(id: string): () => T {
  return () => requireHere(id) as T;
}
