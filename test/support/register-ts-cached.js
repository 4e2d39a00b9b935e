// @ts-check
/**
 * `node -r` hook for server processes that tests start (and kill) many times: TypeScript is
 * transpiled as ts-node's transpile-only mode does (one file at a time, no type check), but the
 * output is cached on disk by content hash, so every start after the first skips the compiler.
 * Plain JavaScript because it is what makes TypeScript loadable.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const cacheDir = join(root, 'node_modules', '.cache', 'opencode-test-transpile');
/** @type {typeof import('typescript') | undefined} */
let ts;

function transpile(/** @type {string} */ source, /** @type {string} */ filename) {
  ts ??= require('typescript');
  return ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
      inlineSourceMap: true,
    },
  }).outputText;
}

require.extensions['.ts'] = (module, filename) => {
  const source = readFileSync(filename, 'utf8');
  const key = createHash('sha256').update(filename).update('\0').update(source).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  let code;
  try {
    code = readFileSync(cached, 'utf8');
  } catch {
    code = transpile(source, filename);
    mkdirSync(cacheDir, { recursive: true });
    // Written aside then renamed, so a concurrent reader never sees half a file.
    const partial = `${cached}.${process.pid}`;
    writeFileSync(partial, code);
    renameSync(partial, cached);
  }
  /** @type {NodeJS.Module & { _compile(code: string, filename: string): void }} */ (
    module
  )._compile(code, filename);
};
