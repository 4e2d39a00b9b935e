import { Body, Controller, Get, Header, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiProduces,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { BadRequestErrorDto } from '../core/errors/error.dto';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import {
  VCS_APPLY_RESULT_SCHEMA,
  VcsApplyErrorDto,
  VcsApplyInputDto,
  VcsDiffQueryDto,
  VcsFileDiffDto,
  VcsFileStatusDto,
  VcsInfoDto,
} from './dto/vcs.dto';
import { VcsService } from './vcs.service';

const RAW_DIFF_TYPE = 'text/x-diff; charset=utf-8';

@Controller('vcs')
@ApiExtraModels(VcsApplyErrorDto)
export class VcsController {
  constructor(private readonly vcs: VcsService) {}

  @Get()
  @Endpoint({
    operationId: 'vcs.get',
    tag: 'instance',
    summary: 'Get VCS info',
    description:
      'Retrieve version control system (VCS) information for the current project, such as git branch.',
    response: VcsInfoDto,
    responseDescription: 'VCS info',
  })
  info(@CurrentInstance() instance: Instance): Promise<VcsInfoDto> {
    return this.vcs.info(instance);
  }

  @Get('status')
  @Endpoint({
    operationId: 'vcs.status',
    tag: 'instance',
    summary: 'Get VCS status',
    description: 'Retrieve changed files in the current working tree without patches.',
    response: [VcsFileStatusDto],
    responseDescription: 'VCS status',
  })
  status(@CurrentInstance() instance: Instance): Promise<VcsFileStatusDto[]> {
    return this.vcs.status(instance);
  }

  @Get('diff')
  @Endpoint({
    operationId: 'vcs.diff',
    tag: 'instance',
    summary: 'Get VCS diff',
    description:
      'Retrieve the current git diff for the working tree or against the default branch.',
    response: [VcsFileDiffDto],
    responseDescription: 'VCS diff',
  })
  diff(
    @CurrentInstance() instance: Instance,
    @Query() query: VcsDiffQueryDto,
  ): Promise<VcsFileDiffDto[]> {
    return this.vcs.diff(instance, query.mode, query.context);
  }

  @Get('diff/raw')
  @Endpoint({
    operationId: 'vcs.diff.raw',
    tag: 'instance',
    summary: 'Get raw VCS diff',
    description: 'Retrieve a raw patch for current uncommitted changes.',
    response: { type: 'string' },
    responseDescription: 'Raw VCS diff',
  })
  @ApiProduces(RAW_DIFF_TYPE)
  @ApiResponse({ status: 413, description: 'VcsDiffTooLargeError: the patch is over the limit' })
  @Header('content-type', RAW_DIFF_TYPE)
  diffRaw(@CurrentInstance() instance: Instance): Promise<string> {
    return this.vcs.rawDiff(instance);
  }

  @ApiBadRequestResponse({
    description: 'VcsApplyError | BadRequest',
    schema: {
      anyOf: [
        { $ref: getSchemaPath(VcsApplyErrorDto) },
        { $ref: getSchemaPath(BadRequestErrorDto) },
      ],
    },
  })
  @Post('apply')
  @Endpoint({
    operationId: 'vcs.apply',
    tag: 'instance',
    summary: 'Apply VCS patch',
    description: 'Apply a raw patch to the current working tree.',
    response: VCS_APPLY_RESULT_SCHEMA,
    responseDescription: 'VCS patch applied',
  })
  apply(
    @CurrentInstance() instance: Instance,
    @Body() body: VcsApplyInputDto,
  ): Promise<{ applied: true }> {
    return this.vcs.apply(instance, body.patch);
  }
}
