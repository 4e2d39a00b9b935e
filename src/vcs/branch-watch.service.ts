import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { BusService } from '../core/bus/bus.service';
import type { Instance } from '../core/instance/instance';
import { InstanceService } from '../core/instance/instance.service';
import { BranchWatcher } from './branch-watcher';

const BRANCH_WATCH = Symbol('branch-watch');

interface BranchWatch {
  watcher: BranchWatcher;
  /** Until the watch is set up; cleared after, so later requests do not wait on anything. */
  starting?: Promise<void>;
}

/**
 * Publishes `vcs.branch.updated` for an instance whenever the current branch of its worktree
 * changes. The watch starts with the instance, as the reference's does, and stops when the
 * instance is disposed; non-git projects get none.
 */
@Injectable()
export class BranchWatchService implements OnModuleInit {
  private readonly logger = new Logger('Vcs');

  constructor(
    private readonly bus: BusService,
    private readonly instances: InstanceService,
  ) {}

  onModuleInit(): void {
    this.instances.onCreated((instance) => void this.watch(instance));
  }

  /**
   * Makes sure the branch of `instance` is watched. Returns a promise while the watch is being
   * set up (a few milliseconds of git, once per instance), and undefined once it is.
   */
  watch(instance: Instance): Promise<void> | undefined {
    // A disposed instance has run its disposers already: nothing would close a new watch.
    if (instance.project.vcs !== 'git' || instance.disposed) return undefined;
    return instance.getOrCreate(
      BRANCH_WATCH,
      () => this.start(instance),
      (watch) => watch.watcher.close(),
    ).starting;
  }

  private start(instance: Instance): BranchWatch {
    const watcher = new BranchWatcher(instance.worktree, {
      onChange: (branch) =>
        this.bus.publish(instance, 'vcs.branch.updated', branch === undefined ? {} : { branch }),
      onError: (error) =>
        this.logger.warn(`branch watch of ${instance.directory}: ${error.message}`),
    });
    const watch: BranchWatch = { watcher };
    watch.starting = watcher
      .start()
      .catch((error: unknown) =>
        this.logger.warn(`branch watch of ${instance.directory} failed to start: ${String(error)}`),
      )
      .finally(() => (watch.starting = undefined));
    return watch;
  }
}
