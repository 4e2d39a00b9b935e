import { join } from 'node:path';
import { tempDir, writeFiles } from '../../test/support/fixtures';
import {
  BUILT_IN_SERVERS,
  extensionKey,
  resolveServers,
  type LspContext,
  type LspServerDefinition,
} from './lsp-servers';

const byId = (id: string) => BUILT_IN_SERVERS.find((server) => server.id === id)!;
const ids = (servers: LspServerDefinition[]) => servers.map((server) => server.id);

describe('resolveServers', () => {
  it('disables everything when omitted or false, enables the built-ins with true', () => {
    expect(resolveServers(undefined)).toEqual([]);
    expect(resolveServers(false)).toEqual([]);
    expect(ids(resolveServers(true))).toEqual(ids([...BUILT_IN_SERVERS]));
  });

  it('removes disabled servers, adds and overrides configured ones', async () => {
    const servers = resolveServers({
      typescript: { disabled: true },
      gopls: { command: ['my-gopls', '-v'], env: { A: '1' } },
      fake: { command: ['node', 'fake.js'], extensions: ['.fake'], initialization: { x: 1 } },
    });
    expect(ids(servers)).not.toContain('typescript');
    const gopls = servers.find((server) => server.id === 'gopls')!;
    // An override keeps the built-in's extensions and root, and reports start failures.
    expect(gopls).toMatchObject({
      extensions: ['.go'],
      configured: true,
      root: byId('gopls').root,
    });
    const ctx = { directory: '/p', worktree: '/p', path: '', env: {} } as LspContext;
    expect(await gopls.launch('/p', ctx)).toEqual({
      command: 'my-gopls',
      args: ['-v'],
      env: { A: '1' },
      initialization: undefined,
    });
    const fake = servers.at(-1)!;
    expect(fake).toMatchObject({ id: 'fake', extensions: ['.fake'] });
    expect(await fake.root('/p/src/a.fake', ctx)).toBe('/p');
    // A changed entry changes the signature (running servers restart on config edits).
    const again = resolveServers({
      fake: { command: ['node', 'fake.js'], initialization: { x: 2 } },
    });
    expect(again.at(-1)!.signature).not.toBe(fake.signature);
  });
});

describe('built-in roots', () => {
  const context = (directory: string): LspContext => ({
    directory,
    worktree: directory,
    path: '',
    env: {},
  });

  it('typescript: the nearest lockfile directory, none inside a Deno project', async () => {
    const root = tempDir();
    writeFiles(root, {
      'package-lock.json': '{}',
      'packages/web/yarn.lock': '',
      'packages/web/src/a.ts': '',
      'tools/deno.json': '{}',
      'tools/b.ts': '',
    });
    const ts = byId('typescript');
    expect(await ts.root(join(root, 'packages/web/src/a.ts'), context(root))).toBe(
      join(root, 'packages/web'),
    );
    expect(await ts.root(join(root, 'c.ts'), context(root))).toBe(root);
    expect(await ts.root(join(root, 'tools/b.ts'), context(root))).toBeUndefined();
    expect(await byId('deno').root(join(root, 'tools/b.ts'), context(root))).toBe(
      join(root, 'tools'),
    );
  });

  it('rust: the Cargo workspace above a member crate', async () => {
    const root = tempDir();
    writeFiles(root, {
      'Cargo.toml': '[workspace]\nmembers = ["crates/a"]\n',
      'crates/a/Cargo.toml': '[package]\nname = "a"\n',
      'crates/a/src/lib.rs': '',
    });
    const rust = byId('rust');
    expect(await rust.root(join(root, 'crates/a/src/lib.rs'), context(root))).toBe(root);
    const lone = tempDir();
    expect(await rust.root(join(lone, 'main.rs'), context(lone))).toBeUndefined();
  });

  it('csharp: project files matched by pattern', async () => {
    const root = tempDir();
    writeFiles(root, { 'app/App.csproj': '<Project/>', 'app/Program.cs': '' });
    expect(await byId('csharp').root(join(root, 'app/Program.cs'), context(root))).toBe(
      join(root, 'app'),
    );
  });

  it('matches extension-less files by name', () => {
    expect(extensionKey('/p/Dockerfile')).toBe('Dockerfile');
    expect(extensionKey('/p/a.test.ts')).toBe('.ts');
  });
});
