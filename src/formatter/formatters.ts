import { dirname, join } from 'node:path';
import type { Config } from '../config/config.schema';
import {
  findExecutable,
  findUp,
  isExecutable,
  probe,
  readJson,
  readText,
  type ExecutableLookup,
} from '../core/executable';

/** What a formatter's availability check may look at. */
export interface FormatterContext extends ExecutableLookup {
  /** The environment formatters run with (the server's, from `AppEnvironment`). */
  env: NodeJS.ProcessEnv;
}

export interface FormatterDefinition {
  name: string;
  extensions: string[];
  environment?: Record<string, string>;
  /**
   * The command line to run, `$FILE` standing for the file, or false when this formatter cannot
   * run for the project (its binary is missing, or the project does not use it).
   */
  command(ctx: FormatterContext): Promise<string[] | false>;
}

const WEB_EXTENSIONS = [
  '.js',
  '.jsx',
  '.mjs',
  '.cjs',
  '.ts',
  '.tsx',
  '.mts',
  '.cts',
  '.html',
  '.htm',
  '.css',
  '.scss',
  '.sass',
  '.less',
  '.vue',
  '.svelte',
  '.json',
  '.jsonc',
  '.yaml',
  '.yml',
  '.toml',
  '.xml',
  '.md',
  '.mdx',
  '.graphql',
  '.gql',
];

const RUBY_EXTENSIONS = ['.rb', '.rake', '.gemspec', '.ru'];
const PYTHON_EXTENSIONS = ['.py', '.pyi'];

/** A formatter that only needs its binary on `PATH`. */
function onPath(name: string, extensions: string[], binary: string, args: string[]) {
  return {
    name,
    extensions,
    async command(ctx: FormatterContext) {
      const bin = await findExecutable(binary, ctx);
      return bin ? [bin, ...args] : false;
    },
  } satisfies FormatterDefinition;
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Whether a `package.json` between the directory and the worktree depends on `name`. */
async function dependsOn(name: string, ctx: FormatterContext): Promise<boolean> {
  for (const file of await findUp('package.json', ctx)) {
    const json = await readJson<PackageJson>(file);
    if (json?.dependencies?.[name] || json?.devDependencies?.[name]) return true;
  }
  return false;
}

const prettier: FormatterDefinition = {
  name: 'prettier',
  extensions: WEB_EXTENSIONS,
  async command(ctx) {
    // Only a project that asked for prettier gets its files rewritten by it.
    if (!(await dependsOn('prettier', ctx))) return false;
    const bin = await findExecutable('prettier', ctx, { projectLocal: true });
    return bin ? [bin, '--write', '$FILE'] : false;
  },
};

const biome: FormatterDefinition = {
  name: 'biome',
  extensions: WEB_EXTENSIONS,
  async command(ctx) {
    for (const config of ['biome.json', 'biome.jsonc', '.biome.json', '.biome.jsonc']) {
      if ((await findUp(config, ctx)).length === 0) continue;
      const bin = await findExecutable('biome', ctx, { projectLocal: true });
      return bin ? [bin, 'format', '--write', '$FILE'] : false;
    }
    return false;
  },
};

const clangFormat: FormatterDefinition = {
  name: 'clang-format',
  extensions: [
    '.c',
    '.cc',
    '.cpp',
    '.cxx',
    '.c++',
    '.h',
    '.hh',
    '.hpp',
    '.hxx',
    '.h++',
    '.ino',
    '.C',
    '.H',
  ],
  async command(ctx) {
    if ((await findUp('.clang-format', ctx)).length === 0) return false;
    const bin = await findExecutable('clang-format', ctx);
    return bin ? [bin, '-i', '$FILE'] : false;
  },
};

const ruff: FormatterDefinition = {
  name: 'ruff',
  extensions: PYTHON_EXTENSIONS,
  async command(ctx) {
    const bin = await findExecutable('ruff', ctx);
    if (!bin) return false;
    const command = [bin, 'format', '$FILE'];
    for (const config of ['pyproject.toml', 'ruff.toml', '.ruff.toml']) {
      const [found] = await findUp(config, ctx);
      if (!found) continue;
      if (config !== 'pyproject.toml') return command;
      if ((await readText(found))?.includes('[tool.ruff]')) return command;
    }
    for (const deps of ['requirements.txt', 'pyproject.toml', 'Pipfile']) {
      const [found] = await findUp(deps, ctx);
      if (found && (await readText(found))?.includes('ruff')) return command;
    }
    return false;
  },
};

const air: FormatterDefinition = {
  name: 'air',
  extensions: ['.R'],
  async command(ctx) {
    const bin = await findExecutable('air', ctx);
    if (!bin) return false;
    // Another tool named `air` (a Go live-reloader) is common: ask before running it on R files.
    const help = await probe(bin, ['--help'], ctx.env);
    const first = help.stdout.split('\n')[0] ?? '';
    const isRFormatter = first.includes('R language') && first.includes('formatter');
    return help.code === 0 && isRFormatter ? [bin, 'format', '$FILE'] : false;
  },
};

const uv: FormatterDefinition = {
  name: 'uv',
  extensions: PYTHON_EXTENSIONS,
  async command(ctx) {
    // uv formats with ruff: when the project uses ruff directly, that one runs instead.
    if (await ruff.command(ctx)) return false;
    const bin = await findExecutable('uv', ctx);
    if (!bin) return false;
    const help = await probe(bin, ['format', '--help'], ctx.env);
    return help.code === 0 ? [bin, 'format', '--', '$FILE'] : false;
  },
};

const ocamlformat: FormatterDefinition = {
  name: 'ocamlformat',
  extensions: ['.ml', '.mli'],
  async command(ctx) {
    if ((await findUp('.ocamlformat', ctx)).length === 0) return false;
    const bin = await findExecutable('ocamlformat', ctx);
    return bin ? [bin, '-i', '$FILE'] : false;
  },
};

interface ComposerJson {
  require?: Record<string, string>;
  'require-dev'?: Record<string, string>;
}

const pint: FormatterDefinition = {
  name: 'pint',
  extensions: ['.php'],
  async command(ctx) {
    for (const file of await findUp('composer.json', ctx)) {
      const json = await readJson<ComposerJson>(file);
      if (!json?.require?.['laravel/pint'] && !json?.['require-dev']?.['laravel/pint']) continue;
      // Composer installs it next to composer.json; the reference assumes it is installed.
      const bin = join(dirname(file), 'vendor', 'bin', 'pint');
      return (await isExecutable(bin)) ? [bin, '$FILE'] : false;
    }
    return false;
  },
};

/**
 * The built-in formatters, in the reference's order (its `GET /formatter` lists them so). The
 * reference's `oxfmt` is left out: it only runs behind an experimental flag this server lacks.
 */
export const BUILT_IN_FORMATTERS: readonly FormatterDefinition[] = [
  onPath('gofmt', ['.go'], 'gofmt', ['-w', '$FILE']),
  onPath('mix', ['.ex', '.exs', '.eex', '.heex', '.leex', '.neex', '.sface'], 'mix', [
    'format',
    '$FILE',
  ]),
  prettier,
  biome,
  onPath('zig', ['.zig', '.zon'], 'zig', ['fmt', '$FILE']),
  clangFormat,
  onPath('ktlint', ['.kt', '.kts'], 'ktlint', ['-F', '$FILE']),
  ruff,
  air,
  uv,
  onPath('rubocop', RUBY_EXTENSIONS, 'rubocop', ['--autocorrect', '$FILE']),
  onPath('standardrb', RUBY_EXTENSIONS, 'standardrb', ['--fix', '$FILE']),
  onPath('htmlbeautifier', ['.erb', '.html.erb'], 'htmlbeautifier', ['$FILE']),
  onPath('dart', ['.dart'], 'dart', ['format', '$FILE']),
  ocamlformat,
  onPath('terraform', ['.tf', '.tfvars'], 'terraform', ['fmt', '$FILE']),
  onPath('latexindent', ['.tex'], 'latexindent', ['-w', '-s', '$FILE']),
  onPath('gleam', ['.gleam'], 'gleam', ['format', '$FILE']),
  onPath('shfmt', ['.sh', '.bash'], 'shfmt', ['-w', '$FILE']),
  onPath('nixfmt', ['.nix'], 'nixfmt', ['$FILE']),
  onPath('rustfmt', ['.rs'], 'rustfmt', ['$FILE']),
  pint,
  onPath('ormolu', ['.hs'], 'ormolu', ['-i', '$FILE']),
  onPath('cljfmt', ['.clj', '.cljs', '.cljc', '.edn'], 'cljfmt', ['fix', '--quiet', '$FILE']),
  onPath('dfmt', ['.d'], 'dfmt', ['-i', '$FILE']),
];

/** A formatter the config defines or overrides with its own command. */
function configured(
  name: string,
  command: string[],
  extensions: string[],
  environment: Record<string, string> | undefined,
): FormatterDefinition {
  return {
    name,
    extensions,
    environment,
    async command(ctx) {
      const [binary, ...args] = command;
      // The reference reports a configured command as enabled without looking for it; a
      // command that cannot run is reported disabled here, so `GET /formatter` tells the truth.
      const bin = binary && (await findExecutable(binary, ctx, { projectLocal: true }));
      return bin ? [bin, ...args] : false;
    },
  };
}

/** The formatters of a config, in listing order, and the order a file's formatter is chosen in. */
export interface FormatterSet {
  /** As `GET /formatter` lists them: built-ins first, then those the config adds. */
  listed: FormatterDefinition[];
  /** The same, those named in the config first: a formatter the user configured wins. */
  preferred: FormatterDefinition[];
}

/**
 * The formatters the `formatter` config enables. As the reference: omitted or `false` disables
 * all, `true` enables the built-ins, an object enables the built-ins with its entries merged
 * over them (`disabled` removes one; disabling `ruff` or `uv` removes both, which are the same
 * formatter underneath).
 */
export function resolveFormatters(
  config: Config['formatter'],
  builtIns: readonly FormatterDefinition[] = BUILT_IN_FORMATTERS,
): FormatterSet {
  if (!config) return { listed: [], preferred: [] };
  const byName = new Map(builtIns.map((item) => [item.name, item]));
  const formatters = new Map(byName);
  const configuredNames: string[] = [];
  if (config !== true) {
    const pythonDisabled = Boolean(config.ruff?.disabled || config.uv?.disabled);
    for (const [name, item] of Object.entries(config)) {
      if (pythonDisabled && (name === 'ruff' || name === 'uv')) {
        formatters.delete('ruff');
        formatters.delete('uv');
        continue;
      }
      if (item.disabled) {
        formatters.delete(name);
        continue;
      }
      const builtIn = byName.get(name);
      const extensions = item.extensions ?? builtIn?.extensions ?? [];
      const environment =
        builtIn?.environment || item.environment
          ? { ...builtIn?.environment, ...item.environment }
          : undefined;
      const base: FormatterDefinition = item.command
        ? configured(name, item.command, extensions, environment)
        : builtIn
          ? { ...builtIn, extensions, environment }
          : // Neither a built-in nor a command: listed (as the reference) but never enabled.
            { name, extensions, environment, command: () => Promise.resolve(false) };
      formatters.set(name, base);
      configuredNames.push(name);
    }
  }
  const listed = [...formatters.values()];
  const first = listed.filter((item) => configuredNames.includes(item.name));
  const rest = listed.filter((item) => !configuredNames.includes(item.name));
  return { listed, preferred: [...first, ...rest] };
}
