import { Controller, Get, Query } from '@nestjs/common';
import { Endpoint, InstanceQueryDto } from '../core/http/endpoint.decorator';
import { Field } from '../core/http/field.decorators';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { ToolIdsSchema, ToolListSchema } from './dto/tool-list.dto';
import { ToolRegistryService, type ToolListItem } from './tool-registry.service';

export class ToolListQueryDto extends InstanceQueryDto {
  @Field.string({ notEmpty: true })
  provider: string;

  @Field.string({ notEmpty: true })
  model: string;
}

@Controller('experimental/tool')
export class ToolController {
  constructor(private readonly tools: ToolRegistryService) {}

  @Get('ids')
  @Endpoint({
    operationId: 'tool.ids',
    tag: 'experimental',
    summary: 'List tool IDs',
    description:
      'Get a list of all available tool IDs, including both built-in tools and dynamically registered tools.',
    response: ToolIdsSchema,
    responseDescription: 'Tool IDs',
  })
  ids(@CurrentInstance() instance: Instance): Promise<string[]> {
    return this.tools.ids(instance);
  }

  @Get()
  @Endpoint({
    operationId: 'tool.list',
    tag: 'experimental',
    summary: 'List tools',
    description:
      'Get a list of available tools with their JSON schema parameters for a specific provider and model combination.',
    response: ToolListSchema,
    responseDescription: 'Tools',
  })
  list(
    @CurrentInstance() instance: Instance,
    @Query() _query: ToolListQueryDto,
  ): Promise<ToolListItem[]> {
    return this.tools.describe(instance);
  }
}
