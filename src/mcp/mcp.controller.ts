import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/instance-context';
import type { Instance } from '../core/instance/instance';
import {
  AddMcpDto,
  McpLocalConfigDto,
  McpOAuthConfigDto,
  McpRemoteConfigDto,
} from './dto/mcp-config.dto';
import { MCP_STATUS_MODELS, McpStatusSchema, type McpStatusMap } from './dto/mcp-status.dto';
import { McpService } from './mcp.service';

const statusMap = (description: string) => ({
  type: 'object' as const,
  additionalProperties: { $ref: getSchemaPath(McpStatusSchema) },
  description,
});

@Controller('mcp')
@ApiExtraModels(...MCP_STATUS_MODELS, McpLocalConfigDto, McpRemoteConfigDto, McpOAuthConfigDto)
export class McpController {
  constructor(private readonly mcp: McpService) {}

  @Get()
  @Endpoint({
    operationId: 'mcp.status',
    tag: 'mcp',
    summary: 'Get MCP status',
    description: 'Get the status of all Model Context Protocol (MCP) servers.',
    response: statusMap('MCP server status'),
    responseDescription: 'MCP server status',
  })
  status(@CurrentInstance() instance: Instance): Promise<McpStatusMap> {
    return this.mcp.status(instance);
  }

  @Post()
  @Endpoint({
    operationId: 'mcp.add',
    tag: 'mcp',
    summary: 'Add MCP server',
    description: 'Dynamically add a new Model Context Protocol (MCP) server to the system.',
    response: statusMap('MCP server added successfully'),
    responseDescription: 'MCP server added successfully',
  })
  add(@CurrentInstance() instance: Instance, @Body() body: AddMcpDto): Promise<McpStatusMap> {
    return this.mcp.add(instance, body.name, body.config);
  }
}
