import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryAllowlist, ForbiddenDirectoryError } from './directory-allowlist';

describe('DirectoryAllowlist', () => {
  let root: string;
  let allowed: string;
  let outside: string;

  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'allowlist-')));
    allowed = join(root, 'allowed');
    outside = join(root, 'outside');
    mkdirSync(join(allowed, 'project'), { recursive: true });
    mkdirSync(outside);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('allows everything when no directory is listed', () => {
    const list = new DirectoryAllowlist([], root);
    expect(list.enabled).toBe(false);
    expect(list.allows('/')).toBe(true);
    expect(list.allows(outside)).toBe(true);
  });

  it('allows a listed directory and what is inside it, nothing beside it', () => {
    const list = new DirectoryAllowlist([allowed], root);
    expect(list.enabled).toBe(true);
    expect(list.allows(allowed)).toBe(true);
    expect(list.allows(join(allowed, 'project'))).toBe(true);
    expect(list.allows(outside)).toBe(false);
    expect(list.allows(root)).toBe(false);
    // A sibling sharing the prefix is not inside.
    mkdirSync(`${allowed}-other`);
    expect(list.allows(`${allowed}-other`)).toBe(false);
    expect(list.allows(join(allowed, '..', 'outside'))).toBe(false);
  });

  it('takes relative paths from the base directory', () => {
    const list = new DirectoryAllowlist(['allowed'], root);
    expect(list.roots).toEqual([allowed]);
    expect(list.allows('allowed/project')).toBe(true);
    expect(list.allows('outside')).toBe(false);
  });

  it('follows symlinks on both sides', () => {
    symlinkSync(outside, join(allowed, 'escape'));
    symlinkSync(allowed, join(outside, 'way-in'));
    const link = join(root, 'allowed-link');
    symlinkSync(allowed, link);
    const list = new DirectoryAllowlist([link], root);
    expect(list.roots).toEqual([allowed]);
    expect(list.allows(join(allowed, 'escape'))).toBe(false);
    expect(list.allows(join(allowed, 'escape', 'deeper', 'missing'))).toBe(false);
    expect(list.allows(join(outside, 'way-in', 'project'))).toBe(true);
  });

  it('judges a directory that does not exist by its nearest existing ancestor', () => {
    const list = new DirectoryAllowlist([allowed], root);
    expect(list.allows(join(allowed, 'not', 'yet'))).toBe(true);
    expect(list.allows(join(outside, 'not', 'yet'))).toBe(false);
    expect(list.allows('/definitely/not/here')).toBe(false);
    // An allowed directory that does not exist yet is kept as written under its real parent.
    const later = new DirectoryAllowlist([join(allowed, 'later')], root);
    expect(later.allows(join(allowed, 'later', 'x'))).toBe(true);
    expect(later.allows(allowed)).toBe(false);
  });

  it('refuses a path with a NUL byte and throws a 403 from check', () => {
    const list = new DirectoryAllowlist([allowed], root);
    expect(list.allows(`${allowed}\0`)).toBe(false);
    expect(() => list.check(outside)).toThrow(ForbiddenDirectoryError);
    try {
      list.check(outside);
    } catch (error) {
      expect((error as ForbiddenDirectoryError).status).toBe(403);
      expect((error as ForbiddenDirectoryError).toJSON()).toEqual({
        name: 'ForbiddenDirectoryError',
        data: { message: expect.stringContaining(outside) as string, directory: outside },
      });
    }
    expect(() => list.check(allowed)).not.toThrow();
  });

  it('allows everything under / when / is listed', () => {
    const list = new DirectoryAllowlist(['/'], root);
    expect(list.allows(outside)).toBe(true);
  });
});
