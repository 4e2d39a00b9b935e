import { Body, Controller, Delete, Get, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import { BadRequestErrorDto } from '../core/errors/error.dto';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import {
  WorktreeCreateInputDto,
  WorktreeDto,
  WorktreeErrorDto,
  WorktreeRemoveInputDto,
  WorktreeResetInputDto,
} from './dto/worktree.dto';
import { WorktreeService } from './worktree.service';

const WORKTREE_ERRORS = ApiBadRequestResponse({
  description: 'WorktreeError | BadRequest',
  schema: {
    anyOf: [{ $ref: getSchemaPath(WorktreeErrorDto) }, { $ref: getSchemaPath(BadRequestErrorDto) }],
  },
});

@Controller('experimental/worktree')
@ApiExtraModels(WorktreeErrorDto)
export class WorktreeController {
  constructor(private readonly worktrees: WorktreeService) {}

  @Get()
  @Endpoint({
    operationId: 'worktree.list',
    tag: 'experimental',
    summary: 'List worktrees',
    description: 'List all sandbox worktrees for the current project.',
    response: { type: 'array', items: { type: 'string' } },
    responseDescription: 'List of worktree directories',
  })
  list(@CurrentInstance() instance: Instance): Promise<string[]> {
    return this.worktrees.list(instance);
  }

  @WORKTREE_ERRORS
  @Post()
  @Endpoint({
    operationId: 'worktree.create',
    tag: 'experimental',
    summary: 'Create worktree',
    description:
      'Create a new git worktree for the current project and run any configured startup scripts.',
    response: WorktreeDto,
    responseDescription: 'Worktree created',
  })
  create(
    @CurrentInstance() instance: Instance,
    @Body() body: WorktreeCreateInputDto,
  ): Promise<WorktreeDto> {
    return this.worktrees.create(instance, body);
  }

  @WORKTREE_ERRORS
  @Delete()
  @Endpoint({
    operationId: 'worktree.remove',
    tag: 'experimental',
    summary: 'Remove worktree',
    description: 'Remove a git worktree and delete its branch.',
    response: 'boolean',
    responseDescription: 'Worktree removed',
    notFound: true,
  })
  remove(
    @CurrentInstance() instance: Instance,
    @Body() body: WorktreeRemoveInputDto,
  ): Promise<boolean> {
    return this.worktrees.remove(instance, body.directory);
  }

  @WORKTREE_ERRORS
  @Post('reset')
  @Endpoint({
    operationId: 'worktree.reset',
    tag: 'experimental',
    summary: 'Reset worktree',
    description: 'Reset a worktree branch to the primary default branch.',
    response: 'boolean',
    responseDescription: 'Worktree reset',
    notFound: true,
  })
  reset(
    @CurrentInstance() instance: Instance,
    @Body() body: WorktreeResetInputDto,
  ): Promise<boolean> {
    return this.worktrees.reset(instance, body.directory);
  }
}
