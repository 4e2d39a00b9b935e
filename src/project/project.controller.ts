import { Controller, Get } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/instance-context';
import type { Instance } from '../core/instance/instance';
import { ProjectDto } from './dto/project.dto';
import { ProjectService } from './project.service';

@Controller('project')
export class ProjectController {
  constructor(private readonly projects: ProjectService) {}

  @Get()
  @Endpoint({
    operationId: 'project.list',
    tag: 'project',
    summary: 'List all projects',
    description: 'Get a list of projects that have been opened with OpenCode.',
    response: [ProjectDto],
  })
  list(): ProjectDto[] {
    return this.projects.list();
  }

  @Get('current')
  @Endpoint({
    operationId: 'project.current',
    tag: 'project',
    summary: 'Get current project',
    description: 'Retrieve the currently active project that OpenCode is working with.',
    response: ProjectDto,
  })
  current(@CurrentInstance() instance: Instance): ProjectDto {
    return this.projects.current(instance);
  }
}
