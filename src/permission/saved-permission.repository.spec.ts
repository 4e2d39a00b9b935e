import { join } from 'node:path';
import { tempDir } from '../../test/support/fixtures';
import { AppEnvironment } from '../core/config/app-environment';
import { DatabaseService } from '../core/storage/database.service';
import { SqliteSavedPermissionRepository } from './saved-permission.repository';

describe('SqliteSavedPermissionRepository', () => {
  const home = tempDir();
  const env = new AppEnvironment({ HOME: home, XDG_DATA_HOME: join(home, 'data') }, home);
  let counter = 0;
  const newID = () => `psv_${String(++counter).padStart(4, '0')}`;

  it('saves each pattern once per project and action, lists by project, and keeps them across opens', () => {
    const first = new DatabaseService(env);
    const repository = new SqliteSavedPermissionRepository(first);
    expect(repository.add('p', 'bash', ['ls *', 'git log *', 'ls *'], newID)).toHaveLength(2);
    // Saved already: nothing added.
    expect(repository.add('p', 'bash', ['ls *'], newID)).toEqual([]);
    repository.add('p', 'edit', ['ls *'], newID);
    repository.add('q', 'bash', ['ls *'], newID);
    expect(repository.list('p').map((saved) => `${saved.action} ${saved.resource}`)).toEqual([
      'bash ls *',
      'bash git log *',
      'edit ls *',
    ]);
    expect(repository.list()).toHaveLength(4);
    first.onApplicationShutdown();

    const second = new DatabaseService(env);
    const reopened = new SqliteSavedPermissionRepository(second);
    const [saved] = reopened.list('q');
    expect(saved).toEqual({
      id: expect.stringMatching(/^psv_/),
      projectID: 'q',
      action: 'bash',
      resource: 'ls *',
    });
    expect(reopened.remove(saved.id)).toBe(true);
    expect(reopened.remove(saved.id)).toBe(false);
    expect(reopened.list('q')).toEqual([]);
    second.onApplicationShutdown();
  });
});
