import { Injectable } from '@nestjs/common';
import { AppEnvironment } from '../core/config/app-environment';
import type { Instance } from '../core/instance/instance';
import { InstanceService } from '../core/instance/instance.service';
import { currentBranch, defaultBranch } from '../core/instance/project-detector';
import { BranchWatchService } from './branch-watch.service';
import { PathDto, VcsInfoDto } from './dto/path.dto';

@Injectable()
export class InstanceInfoService {
  constructor(
    private readonly env: AppEnvironment,
    private readonly instances: InstanceService,
    private readonly branches: BranchWatchService,
  ) {}

  paths(instance: Instance): PathDto {
    return {
      home: this.env.paths.home,
      state: this.env.paths.state,
      config: this.env.paths.config,
      worktree: instance.worktree,
      directory: instance.directory,
    };
  }

  /**
   * The branch and default branch, answered once the instance's branch watch (started with the
   * instance, `vcs.branch.updated`) is set up: the branch is read after the watch's own first
   * read, so a switch in between is published rather than lost. The watch reads with
   * `currentBranch` too, so both agree.
   */
  async vcs(instance: Instance): Promise<VcsInfoDto> {
    if (instance.project.vcs !== 'git') return {};
    await this.branches.watch(instance);
    const [branch, defaultName] = await Promise.all([
      currentBranch(instance.worktree),
      defaultBranch(instance.worktree),
    ]);
    return { ...(branch && { branch }), ...(defaultName && { default_branch: defaultName }) };
  }

  async dispose(instance: Instance): Promise<boolean> {
    await this.instances.dispose(instance.directory);
    return true;
  }
}
