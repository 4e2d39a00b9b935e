import { Controller, Get } from '@nestjs/common';
import { ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { McpResourceDto, type McpResourceMap } from './dto/mcp-resource.dto';
import { McpService } from './mcp.service';

@Controller('experimental/resource')
@ApiExtraModels(McpResourceDto)
export class McpResourceController {
  constructor(private readonly mcp: McpService) {}

  @Get()
  @Endpoint({
    operationId: 'experimental.resource.list',
    tag: 'experimental',
    summary: 'Get MCP resources',
    description: 'Get all available MCP resources from connected servers.',
    response: {
      type: 'object',
      additionalProperties: { $ref: getSchemaPath(McpResourceDto) },
      description: 'MCP resources',
    },
    responseDescription: 'MCP resources',
  })
  list(@CurrentInstance() instance: Instance): Promise<McpResourceMap> {
    return this.mcp.resources(instance);
  }
}
