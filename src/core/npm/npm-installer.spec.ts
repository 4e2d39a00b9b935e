import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { AppEnvironment } from '../config/app-environment';
import { NpmInstaller } from './npm-installer';
import { parseNpmSpec } from './npm-spec';

describe('parseNpmSpec', () => {
  it('reads registry names, ranges and subpath exports', () => {
    expect(parseNpmSpec('venice-ai-sdk-provider', '/p')).toMatchObject({
      kind: 'registry',
      name: 'venice-ai-sdk-provider',
      range: 'latest',
      subpath: '',
      install: 'venice-ai-sdk-provider@latest',
      key: 'venice-ai-sdk-provider@latest',
    });
    expect(parseNpmSpec('@ai-sdk/google-vertex/anthropic', '/p')).toMatchObject({
      name: '@ai-sdk/google-vertex',
      subpath: '/anthropic',
      install: '@ai-sdk/google-vertex@latest',
    });
    expect(parseNpmSpec('@scope/pkg@^2.1.0', '/p')).toMatchObject({
      name: '@scope/pkg',
      range: '^2.1.0',
      key: '@scope/pkg@^2.1.0',
    });
  });

  it('reads local tarballs and directories against the directory', () => {
    expect(parseNpmSpec('file:./vendor/pkg.tgz', '/p')).toMatchObject({
      kind: 'local',
      install: '/p/vendor/pkg.tgz',
    });
    expect(parseNpmSpec('/abs/dir', '/p')).toMatchObject({ kind: 'local', install: '/abs/dir' });
  });

  it('refuses what npm would read as an option, a git URL or nonsense', () => {
    for (const bad of ['', '--foo', 'pkg@--registry=x', 'git+https://x/y.git', 'a b', 'pkg/../x']) {
      expect(parseNpmSpec(bad, '/p')).toBeUndefined();
    }
  });
});

describe('NpmInstaller', () => {
  let root: string;
  let tarball: string;
  let registry: Server;
  let registryUrl: string;

  const installerWith = (variables: Record<string, string | undefined> = {}) =>
    new NpmInstaller(
      new AppEnvironment(
        {
          PATH: process.env.PATH,
          HOME: join(root, 'home'),
          XDG_CACHE_HOME: join(root, 'cache'),
          // Nothing may reach the internet: unknown packages go to the local fake registry.
          npm_config_registry: registryUrl,
          ...variables,
        },
        root,
      ),
    );

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'npm-installer-'));
    const source = join(root, 'source');
    await mkdir(source, { recursive: true });
    await writeFile(
      join(source, 'package.json'),
      JSON.stringify({
        name: 'fake-provider',
        version: '1.2.3',
        main: 'index.js',
        exports: { '.': './index.js', './extra': './extra.js' },
        // Never run: install scripts are turned off.
        scripts: { postinstall: "node -e \"require('fs').writeFileSync('ran', '')\"" },
      }),
    );
    await writeFile(join(source, 'index.js'), 'exports.createFake = () => "made";\n');
    await writeFile(join(source, 'extra.js'), 'exports.extra = true;\n');
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', root], {
      cwd: source,
      encoding: 'utf8',
      env: { ...process.env, HOME: join(root, 'home') },
    });
    tarball = join(root, packed.trim());
    // A registry on 127.0.0.1 that knows `fake-provider` only.
    const bytes = await readFile(tarball);
    const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
    registry = createServer((request, response) => {
      const base = `http://127.0.0.1:${(registry.address() as AddressInfo).port}`;
      if (request.url === '/fake-provider') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            name: 'fake-provider',
            'dist-tags': { latest: '1.2.3' },
            versions: {
              '1.2.3': {
                name: 'fake-provider',
                version: '1.2.3',
                dist: { tarball: `${base}/fake-provider/-/fake-provider-1.2.3.tgz`, integrity },
              },
            },
          }),
        );
        return;
      }
      if (request.url === '/fake-provider/-/fake-provider-1.2.3.tgz') {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        response.end(bytes);
        return;
      }
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":"Not found"}');
    });
    await new Promise<void>((done) => registry.listen(0, '127.0.0.1', done));
    registryUrl = `http://user:hunter2@127.0.0.1:${(registry.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((done) => registry.close(done));
    await rm(root, { recursive: true, force: true });
  });

  it('installs a tarball into the cache once and loads it, without running its scripts', async () => {
    const installer = installerWith();
    const made = await installer.load<{ createFake(): string }>(tarball);
    expect(made.createFake()).toBe('made');

    const installed = await installer.install(tarball);
    expect(installed.name).toBe('fake-provider');
    expect(installed.root.startsWith(join(root, 'cache', 'opencode', 'packages'))).toBe(true);
    const manifest = JSON.parse(
      await readFile(join(installed.root, 'node_modules', 'fake-provider', 'package.json'), 'utf8'),
    ) as { version: string };
    expect(manifest.version).toBe('1.2.3');
    await expect(
      readdir(join(installed.root, 'node_modules', 'fake-provider')),
    ).resolves.not.toContain('ran');
    // No staging directory is left behind.
    await expect(readdir(join(root, 'cache', 'opencode', 'packages', '.staging'))).resolves.toEqual(
      [],
    );
  });

  it('runs npm once for concurrent first uses, and not at all once installed', async () => {
    // A wrapper `npm` first on the PATH counts the runs and hands over to the real one.
    const bin = join(root, 'counting-bin');
    const log = join(root, 'npm-runs.log');
    const realNpm = execFileSync('which', ['npm'], { encoding: 'utf8' }).trim();
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'npm'), `#!/bin/sh\necho run >> "${log}"\nexec "${realNpm}" "$@"\n`);
    await chmod(join(bin, 'npm'), 0o755);
    const variables = {
      PATH: `${bin}${delimiter}${process.env.PATH}`,
      XDG_CACHE_HOME: join(root, 'cache-concurrent'),
    };
    const installer = installerWith(variables);
    const [first, second] = await Promise.all([
      installer.install(`file:${tarball}`),
      installer.install(`file:${tarball}`),
    ]);
    expect(first).toEqual(second);
    // A new installer (a restarted server) reuses the install.
    await installerWith(variables).install(`file:${tarball}`);
    expect((await readFile(log, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('installs from the registry into <name>@<range> and loads subpath exports', async () => {
    const installer = installerWith();
    const main = await installer.load<{ createFake(): string }>('fake-provider');
    expect(main.createFake()).toBe('made');
    const extra = await installer.load<{ extra: boolean }>('fake-provider/extra');
    expect(extra.extra).toBe(true);
    const installed = await installer.install('fake-provider/extra');
    expect(installed).toEqual({
      name: 'fake-provider',
      root: join(root, 'cache', 'opencode', 'packages', 'fake-provider@latest'),
      module: 'fake-provider/extra',
    });
  });

  it('fails with a named error naming the package, credentials masked', async () => {
    const installer = installerWith();
    const failure = installer.install('no-such-provider-pkg');
    await expect(failure).rejects.toMatchObject({
      name: 'NpmInstallFailedError',
      data: { package: 'no-such-provider-pkg' },
    });
    const message = ((await failure.catch((error: Error) => error)) as Error).message;
    expect(message).toMatch(/^Could not install no-such-provider-pkg: .*404/);
    expect(message).not.toContain('hunter2');
    // The failure is not remembered: a later try runs npm again.
    await expect(installer.install('no-such-provider-pkg')).rejects.toMatchObject({
      name: 'NpmInstallFailedError',
    });
  });

  it('refuses specs that are not package names or paths', async () => {
    await expect(installerWith().install('--registry=http://evil')).rejects.toMatchObject({
      name: 'NpmInstallFailedError',
      data: { message: expect.stringContaining('not a package name') },
    });
  });
});
