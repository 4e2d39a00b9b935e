import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../test/support/fixtures';
import { AppEnvironment } from '../config/app-environment';
import { DATABASE_FILE_NAME, DatabaseService } from '../storage/database.service';
import { MIGRATIONS } from '../storage/migrations';
import { ProjectRepository } from './project.repository';

describe('ProjectRepository', () => {
  const open = (home = tempDir()) => {
    const env = new AppEnvironment({ HOME: home, XDG_DATA_HOME: join(home, 'data') }, home);
    const db = new DatabaseService(env);
    return { db, repo: new ProjectRepository(db), env };
  };
  const git = (id: string, worktree: string, mainWorktree?: string) => ({
    id,
    worktree,
    vcs: 'git' as const,
    ...(mainWorktree && { mainWorktree }),
  });

  it('remembers the checkouts of a project; a linked worktree is a sandbox of the main one', () => {
    const { db, repo } = open();
    repo.touch(git('p1', '/repo'), 1000);
    repo.touch(git('p1', '/repo'), 1500);
    const project = repo.touch(git('p1', '/data/worktree/p1/side', '/repo'), 2000);
    expect(project).toMatchObject({
      id: 'p1',
      worktree: '/repo',
      vcs: 'git',
      sandboxes: ['/data/worktree/p1/side'],
      time: { created: 1000, updated: 2000 },
    });
    expect(repo.directories('p1')).toEqual([
      { directory: '/data/worktree/p1/side' },
      { directory: '/repo' },
    ]);
    db.onApplicationShutdown();
  });

  it('keeps no directories for the global project', () => {
    const { db, repo } = open();
    repo.touch({ id: 'global', worktree: '/' });
    repo.touch({ id: 'global', worktree: '/tmp/new-repo', vcs: 'git' });
    expect(repo.directories('global')).toEqual([]);
    expect(repo.get('global')?.sandboxes).toEqual([]);
    db.onApplicationShutdown();
  });

  it('update changes only the fields given, and nothing for an unknown project', () => {
    const { db, repo } = open();
    repo.touch(git('p1', '/repo'), 1000);
    expect(repo.update('p1', { name: 'One', icon: { url: 'data:a', color: 'red' } }, 2000)).toEqual(
      {
        id: 'p1',
        worktree: '/repo',
        vcs: 'git',
        name: 'One',
        icon: { url: 'data:a', color: 'red' },
        time: { created: 1000, updated: 2000 },
        sandboxes: [],
      },
    );
    const after = repo.update('p1', { icon: { override: 'data:o' }, commands: { start: 'make' } });
    expect(after).toMatchObject({
      name: 'One',
      icon: { url: 'data:a', override: 'data:o', color: 'red' },
      commands: { start: 'make' },
    });
    expect(repo.update('p1', { commands: {} })?.commands).toEqual({});
    expect(repo.update('p1', { name: '' })?.name).toBe('');
    expect(repo.update('nope', { name: 'x' })).toBeUndefined();
    db.onApplicationShutdown();
  });

  it('adds a sandbox once and removes it, saying whether anything changed', () => {
    const { db, repo } = open();
    repo.touch(git('p1', '/repo'));
    expect(repo.addSandbox('p1', '/w/a')?.changed).toBe(true);
    expect(repo.addSandbox('p1', '/w/b')?.project.sandboxes).toEqual(['/w/a', '/w/b']);
    expect(repo.addSandbox('p1', '/w/a')?.changed).toBe(false);
    expect(repo.removeSandbox('p1', '/w/a')?.project.sandboxes).toEqual(['/w/b']);
    expect(repo.removeSandbox('p1', '/w/a')?.changed).toBe(false);
    expect(repo.addSandbox('nope', '/w/a')).toBeUndefined();
    db.onApplicationShutdown();
  });

  it('migration 6 gives each git project known before it its worktree as first directory', () => {
    const home = tempDir();
    mkdirSync(join(home, 'data', 'opencode'), { recursive: true });
    const old = new BetterSqlite3(join(home, 'data', 'opencode', DATABASE_FILE_NAME));
    for (const migration of MIGRATIONS.filter((m) => m.version <= 5)) {
      migration.up(old);
      old.pragma(`user_version = ${migration.version}`);
    }
    const insert = old.prepare(
      `INSERT INTO project (id, worktree, vcs, name, time_created, time_updated)
       VALUES (?, ?, ?, ?, 1, 2)`,
    );
    insert.run('p1', '/repo', 'git', 'Named');
    insert.run('global', '/', null, null);
    old.close();

    const { db, repo } = open(home);
    expect(repo.get('p1')).toEqual({
      id: 'p1',
      worktree: '/repo',
      vcs: 'git',
      name: 'Named',
      time: { created: 1, updated: 2 },
      sandboxes: [],
    });
    expect(repo.directories('p1')).toEqual([{ directory: '/repo' }]);
    expect(repo.directories('global')).toEqual([]);
    db.onApplicationShutdown();
  });
});
