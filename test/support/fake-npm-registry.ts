import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './fixtures';

/** An npm registry on 127.0.0.1 serving a few packed packages; 404 for every other name. */
export interface FakeNpmRegistry {
  /** The registry URL, for `npm_config_registry`. */
  url: string;
  /** Metadata and tarball requests received, in order (`/name`, `/name/-/name-1.0.0.tgz`). */
  requests: string[];
  close(): Promise<void>;
}

interface Packed {
  name: string;
  version: string;
  bytes: Buffer;
  integrity: string;
}

/**
 * Packs each package directory with `npm pack` and serves them the way the npm registry does
 * (a packument per name, tarballs under `/-/`), so a test installs real npm specs with npm
 * itself and nothing reaches the internet.
 */
export async function startFakeNpmRegistry(packageDirs: string[]): Promise<FakeNpmRegistry> {
  const out = tempDir('fake-npm-registry-');
  const packages = new Map<string, Packed>();
  for (const dir of packageDirs) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, HOME: out, npm_config_cache: join(out, '.npm') },
    }).trim();
    const bytes = readFileSync(join(out, file));
    packages.set(manifest.name, {
      name: manifest.name,
      version: manifest.version,
      bytes,
      integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
    });
  }
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(request.url ?? '/');
    requests.push(path);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const packed = packages.get(path.slice(1));
    if (packed) {
      const tarball = `${base}/${packed.name}/-/${packed.name}-${packed.version}.tgz`;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          name: packed.name,
          'dist-tags': { latest: packed.version },
          versions: {
            [packed.version]: {
              name: packed.name,
              version: packed.version,
              dist: { tarball, integrity: packed.integrity },
            },
          },
        }),
      );
      return;
    }
    const tarballOf = [...packages.values()].find(
      (candidate) => path === `/${candidate.name}/-/${candidate.name}-${candidate.version}.tgz`,
    );
    if (tarballOf) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(tarballOf.bytes);
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"error":"Not found"}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
