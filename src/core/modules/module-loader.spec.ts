import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadModule, moduleRecord, withBunScope } from './module-loader';

describe('loadModule', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'module-loader-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function put(relative: string, text: string): Promise<string> {
    const file = path.join(dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    return file;
  }

  it('loads TypeScript importing @opencode-ai/plugin without a node_modules of its own', async () => {
    const file = await put(
      'tool/stamp.ts',
      `import { tool } from '@opencode-ai/plugin';
       import type { ToolContext } from '@opencode-ai/plugin';
       const limit = 5 satisfies number;
       export default tool({
         description: 'stamps',
         args: { times: tool.schema.number().max(limit) },
         async execute(args: { times: number }, _ctx: ToolContext) { return 'x'.repeat(args.times as number); },
       });
       export const label = 'stamp' as string;`,
    );
    const loaded = await loadModule(file);
    expect(Object.keys(loaded).sort()).toEqual(['default', 'label']);
    const stamp = loaded.default as { description: string; args: Record<string, unknown> };
    expect(stamp.description).toBe('stamps');
    expect(typeof (stamp.args.times as { safeParse: unknown }).safeParse).toBe('function');
    expect(loaded.label).toBe('stamp');
  });

  it('loads the /tool entry of @opencode-ai/plugin too', async () => {
    const file = await put(
      'tool/entry.js',
      `import { tool } from '@opencode-ai/plugin/tool';\nexport default typeof tool.schema.string;`,
    );
    expect((await loadModule(file)).default).toBe('function');
  });

  it('keeps ESM semantics: top-level await, default and named exports', async () => {
    const file = await put(
      'plugin/tla.mjs',
      `const value = await Promise.resolve(41);\nexport const answer = value + 1;\nexport default function plugin() { return answer; }`,
    );
    const loaded = await loadModule(file);
    expect(loaded.answer).toBe(42);
    expect((loaded.default as () => number)()).toBe(42);
  });

  it('loads a package whose entry point is TypeScript inside node_modules', async () => {
    await put(
      'node_modules/ts-entry/package.json',
      JSON.stringify({ name: 'ts-entry', version: '1.0.0', main: 'index.ts' }),
    );
    await put('node_modules/ts-entry/index.ts', `export const kind: string = 'ts';`);
    const file = await put('plugin/uses-package.ts', `export { kind } from 'ts-entry';`);
    expect((await loadModule(file)).kind).toBe('ts');
  });

  it('gives Bun-targeted code the bun module and a Bun variable', async () => {
    await put('data/note.txt', 'hello');
    const file = await put(
      'plugin/bun.ts',
      `import { Glob, $ } from 'bun';
       export async function run(cwd: string) {
         const files = [];
         for await (const match of new Glob('**/*.txt').scan({ cwd })) files.push(match);
         const text = await Bun.file(cwd + '/' + files[0]).text();
         const echoed = await $\`printf %s \${text}\`.text();
         return { files, echoed };
       }`,
    );
    const loaded = await loadModule(file);
    const run = loaded.run as (cwd: string) => Promise<unknown>;
    await expect(run(path.join(dir, 'data'))).resolves.toEqual({
      files: ['note.txt'],
      echoed: 'hello',
    });
  });

  it('gives default imports of built-ins and CommonJS packages their module', async () => {
    const file = await put(
      'defaults/plugin.js',
      `import os from 'os';\nimport path, { join } from 'node:path';\nimport matter from 'gray-matter';\n` +
        `export const kinds = [typeof os.homedir, typeof path.join, typeof join, typeof matter];`,
    );
    await put('defaults/package.json', '{"type":"module"}');
    const modules = path.join(dir, 'defaults', 'node_modules');
    await symlink(path.join(__dirname, '../../../node_modules'), modules);
    expect((await loadModule(file)).kinds).toEqual([
      'function',
      'function',
      'function',
      'function',
    ]);
  });

  it('reads CommonJS as its exports plus a default', async () => {
    const file = await put('tool/cjs.cjs', `module.exports = { a: 1 };`);
    expect(await loadModule(file)).toEqual({ a: 1, default: { a: 1 } });
  });

  it('rejects with the error a module throws at import', async () => {
    const file = await put('tool/broken.ts', `throw new Error('broken at import');`);
    await expect(loadModule(file)).rejects.toThrow('broken at import');
  });

  it('rejects a missing file', async () => {
    await expect(loadModule(path.join(dir, 'missing.ts'))).rejects.toThrow();
  });
});

describe('withBunScope', () => {
  it('binds Bun after the use strict directive', () => {
    expect(withBunScope('"use strict";Bun.file(x);')).toBe(
      '"use strict";var Bun = require("bun");Bun.file(x);',
    );
  });

  it('leaves code alone that does not mention Bun or declares its own', () => {
    expect(withBunScope('"use strict";x();')).toBe('"use strict";x();');
    expect(withBunScope('const Bun = {};Bun.file();')).toBe('const Bun = {};Bun.file();');
  });
});

describe('moduleRecord', () => {
  it('reads a function exported by CommonJS as the default', () => {
    const fn = () => 1;
    expect(moduleRecord(fn)).toEqual({ default: fn });
  });
});

describe('loadModule with a community plugin', () => {
  it('loads opencode-skills (ESM importing Glob from "bun")', async () => {
    const entry = path.join(__dirname, '../../../node_modules/opencode-skills/dist/index.js');
    const loaded = await loadModule(entry);
    const plugin = loaded.SkillsPlugin as (input: unknown) => Promise<{ tool: object }>;
    // Calling it reads the home directory (`import os from "os"`) and scans with the Bun shim.
    const hooks = await plugin({ directory: path.join(__dirname, 'no-such-dir'), client: {} });
    expect(typeof hooks.tool).toBe('object');
  });
});
