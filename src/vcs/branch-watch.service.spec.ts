import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { gitRepo, runGit, tempDir } from '../../test/support/fixtures';
import type { BusService } from '../core/bus/bus.service';
import { Instance } from '../core/instance/instance';
import type { InstanceService } from '../core/instance/instance.service';
import { BranchWatchService } from './branch-watch.service';

describe('BranchWatchService', () => {
  const publish = jest.fn();
  const onCreated = jest.fn();
  const service = new BranchWatchService(
    { publish } as unknown as BusService,
    { onCreated } as unknown as InstanceService,
  );
  const logger = new Logger('spec');

  beforeEach(() => publish.mockReset());

  const gitInstance = (directory: string) =>
    new Instance(directory, { id: 'spec', worktree: directory, vcs: 'git' });

  it('starts watching each instance as it is created', () => {
    service.onModuleInit();
    expect(onCreated).toHaveBeenCalledTimes(1);
    const watch = jest.spyOn(service, 'watch').mockReturnValue(undefined);
    const instance = new Instance('/nowhere', { id: 'spec', worktree: '/nowhere' });
    (onCreated.mock.calls[0] as [(created: Instance) => void])[0](instance);
    expect(watch).toHaveBeenCalledWith(instance);
    watch.mockRestore();
  });

  it('sets the watch up once per instance, then answers without waiting', async () => {
    const repo = gitRepo();
    const instance = gitInstance(repo);
    const starting = service.watch(instance);
    expect(starting).toBeInstanceOf(Promise);
    expect(service.watch(instance)).toBe(starting);
    await starting;
    expect(service.watch(instance)).toBeUndefined();
    runGit(repo, 'checkout', '-q', '-b', 'feature');
    await new Promise<void>((resolve) => publish.mockImplementation(() => resolve()));
    expect(publish).toHaveBeenCalledWith(instance, 'vcs.branch.updated', { branch: 'feature' });
    await instance.dispose(logger);
  });

  it('stops publishing when the instance is disposed, and starts nothing for it after', async () => {
    const repo = gitRepo();
    const instance = gitInstance(repo);
    await service.watch(instance);
    await instance.dispose(logger);
    expect(service.watch(instance)).toBeUndefined();
    runGit(repo, 'checkout', '-q', '-b', 'feature');
    await sleep(300);
    expect(publish).not.toHaveBeenCalled();
  });

  it('starts nothing for a project outside git', () => {
    const instance = new Instance(tempDir(), { id: 'global', worktree: '/' });
    const getOrCreate = jest.spyOn(instance, 'getOrCreate');
    expect(service.watch(instance)).toBeUndefined();
    expect(getOrCreate).not.toHaveBeenCalled();
  });
});
