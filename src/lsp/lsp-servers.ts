import { readdir } from 'node:fs/promises';
import { basename, dirname, join, parse } from 'node:path';
import type { Config } from '../config/config.schema';
import { isInside } from '../core/fs/jail';
import {
  ancestors,
  findExecutable,
  findModuleFile,
  isExecutable,
  readText,
  type ExecutableLookup,
} from '../core/executable';

/** What a server definition may look at to find its root and its binary. */
export interface LspContext extends ExecutableLookup {
  /** The server's environment (from `AppEnvironment`). */
  env: NodeJS.ProcessEnv;
}

/** How to start a language server over stdio. */
export interface LspLaunch {
  command: string;
  args: string[];
  /** Variables added to the server's environment. */
  env?: Record<string, string>;
  /** Sent as `initializationOptions` and answered to `workspace/configuration`. */
  initialization?: Record<string, unknown>;
}

export interface LspServerDefinition {
  id: string;
  /** Extensions (or, for extension-less files, names like `Dockerfile`); empty matches all. */
  extensions: string[];
  /**
   * Defined by the config: a command that fails to start is then shown as an `error` server.
   * A built-in whose binary is missing is simply not available and never listed.
   */
  configured: boolean;
  /** Changes when the definition changes, so a config edit restarts its running servers. */
  signature: string;
  /** The root directory `file` belongs to for this server, or undefined when it does not apply. */
  root: (file: string, ctx: LspContext) => Promise<string | undefined>;
  /** How to start it in `root`, or undefined when it is not installed. */
  launch: (root: string, ctx: LspContext) => Promise<LspLaunch | undefined>;
}

/** The name a file is matched against a server's `extensions` by: `.ts`, or `Dockerfile`. */
export function extensionKey(file: string): string {
  return parse(file).ext || basename(file);
}

/** Whether a directory holds an entry matching `pattern` (a name, or `*.suffix`). */
async function holds(dir: string, pattern: string): Promise<boolean> {
  if (pattern.startsWith('*')) {
    const suffix = pattern.slice(1);
    const entries = await readdir(dir).catch(() => [] as string[]);
    return entries.some((entry) => entry.endsWith(suffix));
  }
  return (await readdir(dir).catch(() => [] as string[])).includes(pattern);
}

/** The nearest directory from the file's up to the instance directory holding a marker. */
async function nearest(
  file: string,
  ctx: LspContext,
  markers: string[],
): Promise<string | undefined> {
  for (const dir of ancestors(dirname(file), ctx.directory)) {
    for (const marker of markers) if (await holds(dir, marker)) return dir;
  }
  return undefined;
}

type RootFunction = LspServerDefinition['root'];

/**
 * The nearest directory with one of `markers`, else the instance directory; undefined when an
 * `exclude` marker comes first (a Deno project is not the TypeScript server's).
 */
function nearestRoot(markers: string[], exclude: string[] = []): RootFunction {
  return async (file, ctx) => {
    if (exclude.length && (await nearest(file, ctx, exclude))) return undefined;
    return (await nearest(file, ctx, markers)) ?? ctx.directory;
  };
}

/** The nearest directory with one of `markers`; undefined without one. */
function strictRoot(markers: string[]): RootFunction {
  return (file, ctx) => nearest(file, ctx, markers);
}

const LOCKFILES = ['package-lock.json', 'bun.lockb', 'bun.lock', 'pnpm-lock.yaml', 'yarn.lock'];
const JS_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];
const C_EXTENSIONS = ['.c', '.cpp', '.cc', '.cxx', '.c++', '.h', '.hpp', '.hh', '.hxx', '.h++'];

interface BuiltIn {
  id: string;
  extensions: string[];
  root: RootFunction;
  /** The binary to look for, and its arguments. */
  binary: string;
  args?: string[];
  /** npm-distributed: also found in the project's `node_modules/.bin`. */
  npm?: boolean;
  /** Extra requirements and settings, given the binary was found; undefined to refuse. */
  prepare?: (root: string, ctx: LspContext) => Promise<Record<string, unknown> | undefined>;
}

/** TypeScript's own server, which several language servers drive. */
const tsserver = (ctx: LspContext) => findModuleFile('typescript/lib/tsserver.js', ctx);

/** The Python of the project's virtual environment, for servers that type-check against it. */
async function pythonSettings(root: string, ctx: LspContext): Promise<Record<string, unknown>> {
  const venvs = [ctx.env.VIRTUAL_ENV, join(root, '.venv'), join(root, 'venv')];
  for (const venv of venvs) {
    if (!venv) continue;
    const python = join(venv, 'bin', 'python');
    if (await isExecutable(python)) return { pythonPath: python };
  }
  return {};
}

/** A Cargo workspace's root above the crate, within the worktree, else the crate's. */
const rustRoot: RootFunction = async (file, ctx) => {
  const crate = await nearest(file, ctx, ['Cargo.toml', 'Cargo.lock']);
  if (!crate) return undefined;
  for (const dir of ancestors(crate, ctx.worktree)) {
    if ((await readText(join(dir, 'Cargo.toml')))?.includes('[workspace]')) return dir;
  }
  return crate;
};

/**
 * The reference's built-in servers, by its ids, with the binary each needs. Unlike the reference,
 * nothing is downloaded or installed on first use: a server whose binary is not on `PATH` (or,
 * for npm-distributed ones, in the project's `node_modules/.bin`) is not available. Left out:
 * eslint, oxlint, jdtls, razor and the experimental `ty`, which only run from a managed install.
 */
const BUILT_INS: readonly BuiltIn[] = [
  {
    id: 'deno',
    extensions: ['.ts', '.tsx', '.js', '.jsx', '.mjs'],
    root: strictRoot(['deno.json', 'deno.jsonc']),
    binary: 'deno',
    args: ['lsp'],
  },
  {
    id: 'typescript',
    extensions: JS_EXTENSIONS,
    root: nearestRoot(LOCKFILES, ['deno.json', 'deno.jsonc']),
    binary: 'typescript-language-server',
    args: ['--stdio'],
    npm: true,
    prepare: async (_root, ctx) => {
      const path = await tsserver(ctx);
      return path ? { tsserver: { path } } : undefined;
    },
  },
  {
    id: 'vue',
    extensions: ['.vue'],
    root: nearestRoot(LOCKFILES),
    binary: 'vue-language-server',
    args: ['--stdio'],
    npm: true,
  },
  {
    id: 'biome',
    extensions: [...JS_EXTENSIONS, '.json', '.jsonc', '.vue', '.astro', '.svelte', '.css'],
    root: nearestRoot(['biome.json', 'biome.jsonc', '.biome.json', '.biome.jsonc', ...LOCKFILES]),
    binary: 'biome',
    args: ['lsp-proxy', '--stdio'],
    npm: true,
  },
  {
    id: 'gopls',
    extensions: ['.go'],
    root: async (file, ctx) =>
      (await nearest(file, ctx, ['go.work'])) ?? nearestRoot(['go.mod', 'go.sum'])(file, ctx),
    binary: 'gopls',
  },
  {
    id: 'ruby-lsp',
    extensions: ['.rb', '.rake', '.gemspec', '.ru'],
    root: nearestRoot(['Gemfile']),
    binary: 'rubocop',
    args: ['--lsp'],
  },
  {
    id: 'pyright',
    extensions: ['.py', '.pyi'],
    root: nearestRoot([
      'pyproject.toml',
      'setup.py',
      'setup.cfg',
      'requirements.txt',
      'Pipfile',
      'pyrightconfig.json',
    ]),
    binary: 'pyright-langserver',
    args: ['--stdio'],
    npm: true,
    prepare: pythonSettings,
  },
  {
    id: 'elixir-ls',
    extensions: ['.ex', '.exs'],
    root: nearestRoot(['mix.exs', 'mix.lock']),
    binary: 'elixir-ls',
  },
  { id: 'zls', extensions: ['.zig', '.zon'], root: nearestRoot(['build.zig']), binary: 'zls' },
  {
    id: 'csharp',
    extensions: ['.cs', '.csx'],
    root: nearestRoot(['*.slnx', '*.sln', '*.csproj', 'global.json']),
    binary: 'roslyn-language-server',
    args: ['--stdio', '--autoLoadProjects'],
  },
  {
    id: 'fsharp',
    extensions: ['.fs', '.fsi', '.fsx', '.fsscript'],
    root: nearestRoot(['*.slnx', '*.sln', '*.fsproj', 'global.json']),
    binary: 'fsautocomplete',
  },
  {
    id: 'sourcekit-lsp',
    extensions: ['.swift', '.objc', '.objcpp'],
    root: nearestRoot(['Package.swift', '*.xcodeproj', '*.xcworkspace']),
    binary: 'sourcekit-lsp',
  },
  { id: 'rust', extensions: ['.rs'], root: rustRoot, binary: 'rust-analyzer' },
  {
    id: 'clangd',
    extensions: C_EXTENSIONS,
    root: nearestRoot(['compile_commands.json', 'compile_flags.txt', '.clangd']),
    binary: 'clangd',
    args: ['--background-index', '--clang-tidy'],
  },
  {
    id: 'svelte',
    extensions: ['.svelte'],
    root: nearestRoot(LOCKFILES),
    binary: 'svelteserver',
    args: ['--stdio'],
    npm: true,
  },
  {
    id: 'astro',
    extensions: ['.astro'],
    root: nearestRoot(LOCKFILES),
    binary: 'astro-ls',
    args: ['--stdio'],
    npm: true,
    prepare: async (_root, ctx) => {
      const path = await tsserver(ctx);
      return path ? { typescript: { tsdk: dirname(path) } } : undefined;
    },
  },
  {
    id: 'kotlin-ls',
    extensions: ['.kt', '.kts'],
    root: nearestRoot([
      'settings.gradle.kts',
      'settings.gradle',
      'gradlew',
      'build.gradle.kts',
      'build.gradle',
      'pom.xml',
    ]),
    binary: 'kotlin-lsp',
    args: ['--stdio'],
  },
  {
    id: 'yaml-ls',
    extensions: ['.yaml', '.yml'],
    root: nearestRoot(LOCKFILES),
    binary: 'yaml-language-server',
    args: ['--stdio'],
    npm: true,
  },
  {
    id: 'lua-ls',
    extensions: ['.lua'],
    root: nearestRoot([
      '.luarc.json',
      '.luarc.jsonc',
      '.luacheckrc',
      '.stylua.toml',
      'stylua.toml',
      'selene.toml',
      'selene.yml',
    ]),
    binary: 'lua-language-server',
  },
  {
    id: 'php intelephense',
    extensions: ['.php'],
    root: nearestRoot(['composer.json', 'composer.lock', '.php-version']),
    binary: 'intelephense',
    args: ['--stdio'],
    npm: true,
    prepare: () => Promise.resolve({ telemetry: { enabled: false } }),
  },
  {
    id: 'prisma',
    extensions: ['.prisma'],
    root: nearestRoot(['schema.prisma', 'prisma']),
    binary: 'prisma',
    args: ['language-server'],
    npm: true,
  },
  {
    id: 'dart',
    extensions: ['.dart'],
    root: nearestRoot(['pubspec.yaml', 'analysis_options.yaml']),
    binary: 'dart',
    args: ['language-server', '--lsp'],
  },
  {
    id: 'ocaml-lsp',
    extensions: ['.ml', '.mli'],
    root: nearestRoot(['dune-project', 'dune-workspace', '.merlin', 'opam']),
    binary: 'ocamllsp',
  },
  {
    id: 'bash',
    extensions: ['.sh', '.bash', '.zsh', '.ksh'],
    root: (_file, ctx) => Promise.resolve(ctx.directory),
    binary: 'bash-language-server',
    args: ['start'],
    npm: true,
  },
  {
    id: 'terraform',
    extensions: ['.tf', '.tfvars'],
    root: nearestRoot(['.terraform.lock.hcl', 'terraform.tfstate', '*.tf']),
    binary: 'terraform-ls',
    args: ['serve'],
    prepare: () =>
      Promise.resolve({
        experimentalFeatures: { prefillRequiredFields: true, validateOnSave: true },
      }),
  },
  {
    id: 'texlab',
    extensions: ['.tex', '.bib'],
    root: nearestRoot(['.latexmkrc', 'latexmkrc', '.texlabroot', 'texlabroot']),
    binary: 'texlab',
  },
  {
    id: 'dockerfile',
    extensions: ['.dockerfile', 'Dockerfile'],
    root: (_file, ctx) => Promise.resolve(ctx.directory),
    binary: 'docker-langserver',
    args: ['--stdio'],
    npm: true,
  },
  {
    id: 'gleam',
    extensions: ['.gleam'],
    root: nearestRoot(['gleam.toml']),
    binary: 'gleam',
    args: ['lsp'],
  },
  {
    id: 'clojure-lsp',
    extensions: ['.clj', '.cljs', '.cljc', '.edn'],
    root: nearestRoot(['deps.edn', 'project.clj', 'shadow-cljs.edn', 'bb.edn', 'build.boot']),
    binary: 'clojure-lsp',
    args: ['listen'],
  },
  {
    id: 'nixd',
    extensions: ['.nix'],
    root: async (file, ctx) => {
      const flake = await nearest(file, ctx, ['flake.nix']);
      if (flake && flake !== ctx.directory) return flake;
      // A non-git directory has `/` as its worktree: that is no project root.
      return ctx.worktree !== '/' && isInside(ctx.worktree, ctx.directory)
        ? ctx.worktree
        : ctx.directory;
    },
    binary: 'nixd',
  },
  {
    id: 'tinymist',
    extensions: ['.typ', '.typc'],
    root: nearestRoot(['typst.toml']),
    binary: 'tinymist',
  },
  {
    id: 'haskell-language-server',
    extensions: ['.hs', '.lhs'],
    root: nearestRoot(['stack.yaml', 'cabal.project', 'hie.yaml', '*.cabal']),
    binary: 'haskell-language-server-wrapper',
    args: ['--lsp'],
  },
  {
    id: 'julials',
    extensions: ['.jl'],
    root: nearestRoot(['Project.toml', 'Manifest.toml', '*.jl']),
    binary: 'julia',
    args: ['--startup-file=no', '--history-file=no', '-e', 'using LanguageServer; runserver()'],
  },
];

function fromBuiltIn(builtIn: BuiltIn): LspServerDefinition {
  return {
    id: builtIn.id,
    extensions: builtIn.extensions,
    configured: false,
    signature: `builtin:${builtIn.id}`,
    root: builtIn.root,
    async launch(root, ctx) {
      const command = await findExecutable(builtIn.binary, ctx, { projectLocal: builtIn.npm });
      if (!command) return undefined;
      if (!builtIn.prepare) return { command, args: builtIn.args ?? [] };
      const initialization = await builtIn.prepare(root, ctx);
      if (!initialization) return undefined;
      return { command, args: builtIn.args ?? [], initialization };
    },
  };
}

export const BUILT_IN_SERVERS: readonly LspServerDefinition[] = BUILT_INS.map(fromBuiltIn);

type LspConfigEntry = Exclude<NonNullable<Config['lsp']>, boolean>[string];

function fromConfig(
  id: string,
  entry: Extract<LspConfigEntry, { command: string[] }>,
  builtIn: LspServerDefinition | undefined,
): LspServerDefinition {
  const [command = '', ...args] = entry.command;
  return {
    id,
    extensions: entry.extensions ?? builtIn?.extensions ?? [],
    configured: true,
    signature: JSON.stringify(['config', entry]),
    // A server of the config works on the whole project unless it overrides a built-in.
    root: builtIn?.root ?? ((_file, ctx) => Promise.resolve(ctx.directory)),
    launch: () =>
      Promise.resolve({ command, args, env: entry.env, initialization: entry.initialization }),
  };
}

/**
 * The servers the `lsp` config enables. As the reference: omitted or `false` disables all,
 * `true` enables the built-ins, an object enables the built-ins with its entries over them
 * (`disabled` removes one, a `command` defines or replaces one).
 */
export function resolveServers(
  config: Config['lsp'],
  builtIns: readonly LspServerDefinition[] = BUILT_IN_SERVERS,
): LspServerDefinition[] {
  if (!config) return [];
  const servers = new Map(builtIns.map((server) => [server.id, server]));
  if (config === true) return [...servers.values()];
  for (const [id, entry] of Object.entries(config)) {
    if (entry.disabled) {
      servers.delete(id);
      continue;
    }
    if ('command' in entry) servers.set(id, fromConfig(id, entry, servers.get(id)));
  }
  return [...servers.values()];
}
