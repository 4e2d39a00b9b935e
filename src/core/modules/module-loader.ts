import { fileURLToPath } from 'node:url';
import type * as JitiModule from 'jiti';
import { lazyRequire } from '../lazy-require';
import { bunModule } from './bun-shim';

/** Loaded with the first plugin or tool file: a server without any never pays for it. */
const loadJiti = lazyRequire<typeof JitiModule>('jiti');

/**
 * Loads the user's own code (plugins, custom tools) the way the reference's Bun runtime does:
 * TypeScript and ESM imported directly, TypeScript inside `node_modules` too (a package whose
 * entry point is a `.ts` file), through `jiti`, a maintained loader; no hand-written transpiler.
 *
 * Two imports resolve to this server's copies, so that `.opencode/tool/x.ts` works without a
 * `node_modules` of its own: `@opencode-ai/plugin` (what plugins and tools are written against)
 * and `bun` (the shim of `bun-shim.ts`).
 *
 * `Bun` is not made a global: libraries that run on both runtimes test `typeof Bun` and would then
 * take their Bun code paths (jiti itself, hono in the MCP SDK, any dependency of a plugin) and
 * fail on what the shim lacks. Instead every module the loader transpiles that mentions `Bun`
 * gets a module-scoped `Bun` variable bound to the shim. The cost: plain CommonJS (and native
 * ESM loaded without transpiling) does not get it; plugin code written for Bun is ESM or
 * TypeScript, which is transpiled.
 *
 * Modules are cached in Node's module cache, so a module imported by two project instances
 * shares its module-level state, as under Bun.
 */
export async function loadModule(file: string): Promise<Record<string, unknown>> {
  const loader = createLoader();
  try {
    // Required rather than imported: ESM is then transpiled too (so it gets the `Bun` binding)
    // and Node built-ins come from `require` (a dynamic `import()` is refused inside a VM
    // context, such as a test runner's).
    return moduleRecord(loader(file));
  } catch (error) {
    // Top-level `await` cannot run in a required module: only then is the module imported.
    if (!isTopLevelAwaitError(error)) throw error;
    return moduleRecord(await loader.import(file));
  }
}

type Jiti = ReturnType<typeof JitiModule.createJiti>;
type JitiOptions = NonNullable<Parameters<typeof JitiModule.createJiti>[1]>;

/** Duck-typed: the error comes from the realm the code ran in, not necessarily this one. */
function isTopLevelAwaitError(error: unknown): boolean {
  return (
    isObject(error) &&
    error.name === 'SyntaxError' &&
    typeof error.message === 'string' &&
    /\bawait\b/.test(error.message)
  );
}

function createLoader(): Jiti {
  const { createJiti } = loadJiti();
  // The default transform (babel), reached through a loader of its own: jiti hands a custom
  // transform no way to call the one it replaces.
  const plain = createJiti(__filename, { fsCache: false });
  const options: JitiOptions = {
    alias: pluginPackageAliases(plain),
    virtualModules: { bun: bunModule },
    // Both defaults depend on the environment (`JITI_*` variables, a `Bun` global): pinned.
    tryNative: false,
    interopDefault: false,
    moduleCache: true,
    // The transpiled code carries the `Bun` binding below, which a cache shared with other jiti
    // users (the temp dir) would not: each file is transpiled once per process instead.
    fsCache: false,
    // `interopDefault: false` above keeps what the loader returns the module's own exports;
    // the transform must still wrap the module's own imports in Babel's interop helpers, or
    // `import os from "os"` (a default import of CommonJS or a built-in) reads `.default` of
    // the bare module and gets undefined.
    transform: (input: Parameters<Jiti['transform']>[0]) => ({
      code: withBunScope(plain.transform({ ...input, interopDefault: true })),
    }),
  };
  return createJiti(__filename, options);
}

/** `@opencode-ai/plugin` (and its `/tool` entry) mapped to the files of this server's copy. */
function pluginPackageAliases(jiti: Jiti): Record<string, string> {
  const entry = (id: string) => fileURLToPath(String(jiti.esmResolve(id)));
  return {
    '@opencode-ai/plugin/tool': entry('@opencode-ai/plugin/tool'),
    '@opencode-ai/plugin': entry('@opencode-ai/plugin'),
  };
}

/**
 * Adds `var Bun = require("bun")` (the shim, a virtual module) to transpiled code that mentions
 * `Bun`, after the `"use strict"` directive so the module stays strict. Code that declares its own
 * `Bun` is left alone (a second declaration would not compile).
 */
export function withBunScope(code: string): string {
  if (!/\bBun\b/.test(code) || /\b(?:const|let|class|function)\s+Bun\b/.test(code)) return code;
  const binding = 'var Bun = require("bun");';
  const directive = /^\s*(["'])use strict\1;?/.exec(code);
  if (!directive) return binding + code;
  const end = directive[0].length;
  return code.slice(0, end) + binding + code.slice(end);
}

/**
 * The exports of a loaded module as a plain record: an ES module's namespace (`default` and the
 * named exports), or for CommonJS `module.exports` as `default` plus its own properties (Node's
 * view of a CommonJS module imported from ESM).
 */
export function moduleRecord(loaded: unknown): Record<string, unknown> {
  if (isObject(loaded) && (loaded.__esModule === true || isNamespace(loaded))) {
    const record: Record<string, unknown> = {};
    for (const key of Object.keys(loaded)) {
      if (key !== '__esModule') record[key] = loaded[key];
    }
    return record;
  }
  return { ...(isObject(loaded) ? loaded : {}), default: loaded };
}

function isNamespace(value: object): boolean {
  return Object.prototype.toString.call(value) === '[object Module]';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}
