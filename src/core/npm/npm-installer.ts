import { Injectable } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppEnvironment } from '../config/app-environment';
import { findExecutable } from '../executable';
import { NpmInstallFailedError } from './npm.errors';
import { parseNpmSpec, type NpmSpec } from './npm-spec';

/** How long one `npm install` may take before it is stopped (a registry that never answers). */
const INSTALL_TIMEOUT_MS = 5 * 60_000;
/** How much of npm's error output a failure message carries. */
const REASON_CHARS = 400;

/** A package installed in the cache. */
export interface InstalledPackage {
  /** Its name, as `require` takes it. */
  name: string;
  /** The install root (`<cache>/packages/<name>@<range>`), holding `node_modules/<name>`. */
  root: string;
  /** The module to load: the name plus any subpath export (`@ai-sdk/google-vertex/anthropic`). */
  module: string;
}

/**
 * Installs npm packages the server does not bundle (a model's AI SDK provider package, a plugin)
 * into the cache directory, `<cache>/packages/<name>@<range>` (one install root per package and
 * range, so two packages never fight over a shared dependency), and loads them.
 *
 * Each package is installed once and then reused, also by later runs. Concurrent first uses share
 * one install; two processes racing install into separate staging directories and the first to
 * rename its directory into place wins, so nobody ever sees a half-written install. Install
 * scripts are not run: a model id in a cloned project's config must not be a way to run code at
 * install time. npm is run with the server's environment (proxies, registry and auth settings in
 * `.npmrc` apply as they do for the user).
 */
@Injectable()
export class NpmInstaller {
  /** First uses in flight, by install directory. */
  private readonly pending = new Map<string, Promise<InstalledPackage>>();

  constructor(private readonly env: AppEnvironment) {}

  /** Where packages are installed. */
  get directory(): string {
    return join(this.env.paths.cache, 'packages');
  }

  /** Installs `spec` unless already installed; throws `NpmInstallFailedError` when it cannot. */
  install(spec: string): Promise<InstalledPackage> {
    const parsed = parseNpmSpec(spec, this.env.defaultDirectory);
    if (!parsed) {
      return Promise.reject(new NpmInstallFailedError(spec, 'not a package name or local path'));
    }
    const root = join(this.directory, parsed.key);
    let install = this.pending.get(root);
    if (!install) {
      install = this.ensure(spec, parsed, root).finally(() => this.pending.delete(root));
      this.pending.set(root, install);
    }
    return install;
  }

  /** Installs `spec` if needed and loads its module (CommonJS, or ES modules Node can require). */
  async load<T>(spec: string): Promise<T> {
    const installed = await this.install(spec);
    try {
      return createRequire(join(installed.root, 'package.json'))(installed.module) as T;
    } catch (error) {
      throw new NpmInstallFailedError(
        spec,
        `installed, but it cannot be loaded: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async ensure(spec: string, parsed: NpmSpec, root: string): Promise<InstalledPackage> {
    const existing = await installedAt(root, parsed);
    if (existing) return existing;
    const staging = join(this.directory, '.staging', randomBytes(8).toString('hex'));
    await mkdir(staging, { recursive: true });
    try {
      await writeFile(
        join(staging, 'package.json'),
        JSON.stringify({ name: 'opencode-packages', private: true }),
      );
      await this.runNpm(spec, parsed, staging);
      const staged = await installedAt(staging, parsed);
      if (!staged) throw new NpmInstallFailedError(spec, 'npm installed nothing');
      await mkdir(dirname(root), { recursive: true });
      await rename(staging, root).catch((error: NodeJS.ErrnoException) => {
        // Another process finished first: keep its install, drop ours.
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    const installed = await installedAt(root, parsed);
    if (!installed) throw new NpmInstallFailedError(spec, 'the install went missing');
    return installed;
  }

  private async runNpm(spec: string, parsed: NpmSpec, cwd: string): Promise<void> {
    const variables = this.env.variables;
    const npm = await findExecutable('npm', {
      directory: cwd,
      worktree: cwd,
      path: variables.PATH,
    });
    if (!npm) throw new NpmInstallFailedError(spec, 'npm was not found on the PATH');
    const args = [
      'install',
      '--save',
      '--ignore-scripts',
      // A directory is copied in, not linked: the install must outlive the source checkout.
      '--install-links',
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
      '--loglevel=error',
      '--prefix',
      cwd,
      parsed.install,
    ];
    await new Promise<void>((done, fail) => {
      execFile(
        npm,
        args,
        { cwd, env: variables, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
        (error, _stdout, stderr) => {
          if (!error) return done();
          const reason = error.killed
            ? `npm did not finish within ${INSTALL_TIMEOUT_MS / 1000} s`
            : npmReason(String(stderr)) || `npm exited with code ${String(error.code)}`;
          fail(new NpmInstallFailedError(spec, reason));
        },
      );
    });
  }
}

/** The package installed under `root`, or undefined when there is none (yet). */
async function installedAt(root: string, spec: NpmSpec): Promise<InstalledPackage | undefined> {
  const name = spec.kind === 'registry' ? spec.name : await soleDependency(root);
  if (!name) return undefined;
  const manifest = join(root, 'node_modules', name, 'package.json');
  const present = await stat(manifest).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!present) return undefined;
  return { name, root, module: spec.kind === 'registry' ? name + spec.subpath : name };
}

/** A local spec's package name: the one dependency npm saved to the install root. */
async function soleDependency(root: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const names = Object.keys(manifest.dependencies ?? {});
    return names.length === 1 ? names[0] : undefined;
  } catch {
    return undefined;
  }
}

/** The lines of npm's error output that say what went wrong, shortened. */
function npmReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.replace(/^npm (?:error|ERR!)\s*/, '').trim())
    .filter((line) => line && !/^(?:A complete log|Log files were not written)/.test(line));
  const reason = lines.slice(0, 3).join(' ');
  return reason.length > REASON_CHARS ? `${reason.slice(0, REASON_CHARS)}...` : reason;
}
