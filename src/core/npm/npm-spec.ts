import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';

/** A package to install, as a model's `api.npm` or a plugin entry names it. */
export type NpmSpec =
  | {
      kind: 'registry';
      /** `@scope/name` or `name`. */
      name: string;
      /** The version or range asked for; `latest` when none. */
      range: string;
      /** A subpath export to load instead of the main entry (`/anthropic`), or ''. */
      subpath: string;
      /** What npm is asked to install (`name@range`). */
      install: string;
      /** Directory name under the packages cache, one per name and range. */
      key: string;
    }
  | {
      kind: 'local';
      /** Absolute path of a tarball or package directory. */
      install: string;
      key: string;
    };

const NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
/** A version, range or dist-tag: no spaces, nothing npm would read as an option or a path. */
const RANGE = /^[\w.^~<>=*|+][\w.^~<>=*|+-]*$/;
const SUBPATH = /^(?:\/(?!\.{1,2}(?:\/|$))[\w.-]+)+$/;

/**
 * Parses `spec`: a registry package (`name`, `name@1.2.3`, `@scope/name@^2`, `@scope/name/sub`
 * for a subpath export) or a local tarball or directory (`file:...`, an absolute or `./` path,
 * resolved against `cwd`). Git URLs and aliases are refused: a model entry naming them is more
 * likely a typo than a wish, and they would run git on the server.
 */
export function parseNpmSpec(spec: string, cwd: string): NpmSpec | undefined {
  const trimmed = spec.trim();
  if (!trimmed) return undefined;
  const localPath = trimmed.startsWith('file:')
    ? trimmed.slice('file:'.length).replace(/^\/\/(?=\/)/, '')
    : /^(?:\.{0,2}\/|~\/)/.test(trimmed) || trimmed.endsWith('.tgz')
      ? trimmed
      : undefined;
  if (localPath !== undefined) {
    if (!localPath || localPath.startsWith('~')) return undefined;
    const install = isAbsolute(localPath) ? localPath : resolve(cwd, localPath);
    return { kind: 'local', install, key: `local-${hash(install)}` };
  }
  const scoped = trimmed.startsWith('@');
  const at = trimmed.indexOf('@', scoped ? 1 : 0);
  const path = at < 0 ? trimmed : trimmed.slice(0, at);
  const range = at < 0 ? 'latest' : trimmed.slice(at + 1);
  const parts = path.split('/');
  const nameParts = scoped ? 2 : 1;
  const name = parts.slice(0, nameParts).join('/');
  const subpath = parts.length > nameParts ? `/${parts.slice(nameParts).join('/')}` : '';
  if (!NAME.test(name) || !RANGE.test(range) || (subpath && !SUBPATH.test(subpath))) {
    return undefined;
  }
  return {
    kind: 'registry',
    name,
    range,
    subpath,
    install: `${name}@${range}`,
    key: `${name}@${range}`,
  };
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}
