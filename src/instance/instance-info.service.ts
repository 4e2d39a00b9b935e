import { Injectable } from '@nestjs/common';
import { AppEnvironment } from '../core/config/app-environment';
import type { Instance } from '../core/instance/instance';
import { InstanceService } from '../core/instance/instance.service';
import { PathDto } from './dto/path.dto';

@Injectable()
export class InstanceInfoService {
  constructor(
    private readonly env: AppEnvironment,
    private readonly instances: InstanceService,
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

  async dispose(instance: Instance): Promise<boolean> {
    await this.instances.dispose(instance.directory);
    return true;
  }
}
