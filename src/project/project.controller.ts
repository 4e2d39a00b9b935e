import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiNotFoundResponse } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import type { ProjectDirectory } from '../core/instance/project.repository';
import {
  ProjectDirectoriesSchema,
  ProjectDto,
  ProjectNotFoundErrorDto,
  ProjectParamsDto,
  ProjectUpdateDto,
} from './dto/project.dto';
import { ProjectService } from './project.service';

const NOT_FOUND = ApiNotFoundResponse({
  description: 'ProjectNotFoundError',
  type: ProjectNotFoundErrorDto,
});

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

  @Post('git/init')
  @Endpoint({
    operationId: 'project.initGit',
    tag: 'project',
    summary: 'Initialize git repository',
    description:
      'Create a git repository for the current project and return the refreshed project info.',
    response: ProjectDto,
    responseDescription: 'Project information after git initialization',
  })
  initGit(@CurrentInstance() instance: Instance): Promise<ProjectDto> {
    return this.projects.initGit(instance);
  }

  @Patch(':projectID')
  @Endpoint({
    operationId: 'project.update',
    tag: 'project',
    summary: 'Update project',
    description: 'Update project properties such as name, icon, and commands.',
    response: ProjectDto,
    responseDescription: 'Updated project information',
  })
  @NOT_FOUND
  update(@Param() params: ProjectParamsDto, @Body() body: ProjectUpdateDto): ProjectDto {
    return this.projects.update(params.projectID, body);
  }

  @Get(':projectID/directories')
  @Endpoint({
    operationId: 'project.directories',
    tag: 'project',
    summary: 'List project directories',
    description: 'List known local absolute directories for a project.',
    response: ProjectDirectoriesSchema,
    responseDescription: 'Project directories',
  })
  @NOT_FOUND
  directories(@Param() params: ProjectParamsDto): ProjectDirectory[] {
    return this.projects.directories(params.projectID);
  }
}
