import { join } from 'node:path';

/** A git repository named by a reference entry, reduced to where it would be cached. */
export interface RepositoryRef {
  /** Lower-cased host (`github.com`, `gitlab.example:8443`). */
  host: string;
  /** Path segments on the host, `.git` suffixes dropped (`['owner', 'repo']`). */
  segments: string[];
}

/**
 * Parses the repository of a git reference as the reference server does: `github:owner/repo`,
 * scp-like `git@host:path`, `host.tld/path`, a bare `owner/repo` (GitHub), or a URL. Local
 * (`file:`) repositories and anything that does not name a host and path are refused
 * (undefined): the reference skips such entries.
 */
export function parseRepository(raw: string): RepositoryRef | undefined {
  const value = raw
    .trim()
    .replace(/^git\+/, '')
    .replace(/#.*$/, '')
    .replace(/\/+$/, '');
  if (!value) return undefined;
  const shorthand = /^github:([^/\s]+)\/([^/\s]+)$/.exec(value);
  if (shorthand) return make('github.com', [shorthand[1], shorthand[2]]);
  if (!value.includes('://')) {
    const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(.+)$/.exec(value);
    if (scp) return make(scp[1], splitPath(scp[2]));
    const segments = splitPath(value);
    if (segments.length >= 2 && looksLikeHost(segments[0])) {
      return make(segments[0], segments.slice(1));
    }
    if (segments.length === 2) return make('github.com', segments);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol === 'file:') return undefined;
  return make(url.host, splitPath(url.pathname));
}

/** Branch names the reference accepts: no option-like or parent-directory tricks. */
export function isValidBranch(branch: string): boolean {
  return /^[A-Za-z0-9/_.-]+$/.test(branch) && !branch.startsWith('-') && !branch.includes('..');
}

/**
 * Where the reference keeps a clone: `<repos>/<host parts>/<segments>`, and `@<branch>`
 * (URI-encoded) for a pinned branch.
 */
export function repositoryCachePath(reposDir: string, ref: RepositoryRef, branch?: string): string {
  const path = join(reposDir, ...ref.host.split(':'), ...ref.segments);
  return branch ? `${path}@${encodeURIComponent(branch)}` : path;
}

function make(host: string, rawSegments: string[]): RepositoryRef | undefined {
  const segments = rawSegments.map(withoutGitSuffix).filter(Boolean);
  if (!isValidHost(host) || segments.length === 0 || !segments.every(isValidSegment)) {
    return undefined;
  }
  return { host: host.toLowerCase(), segments };
}

function splitPath(path: string): string[] {
  return path
    .split('/')
    .map((segment) => withoutGitSuffix(segment.trim()))
    .filter(Boolean);
}

function withoutGitSuffix(segment: string): string {
  return segment.replace(/\.git$/, '');
}

function looksLikeHost(segment: string): boolean {
  return segment.includes('.') || segment.includes(':') || segment === 'localhost';
}

function isValidHost(host: string): boolean {
  return Boolean(host) && !host.startsWith('-') && !/[\s/\\]/.test(host);
}

function isValidSegment(segment: string): boolean {
  return segment !== '.' && segment !== '..' && !segment.includes(':') && !/[\s/\\]/.test(segment);
}
