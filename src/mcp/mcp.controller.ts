import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiNotFoundResponse, getSchemaPath } from '@nestjs/swagger';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import { ZodBodyPipe } from '../core/http/zod-body.pipe';
import type { Instance } from '../core/instance/instance';
import {
  McpAuthCallbackDto,
  McpAuthRemoveDto,
  McpAuthStartDto,
  McpNameParamsDto,
} from './dto/mcp-auth.dto';
import {
  MCP_CONFIG_MODELS,
  McpAddBodySchema,
  McpAddInputSchema,
  type McpAddBody,
} from './dto/mcp-config.dto';
import { McpServerNotFoundErrorDto } from './dto/mcp-errors.dto';
import {
  MCP_STATUS_MODELS,
  McpStatusSchema,
  type McpStatus,
  type McpStatusMap,
} from './dto/mcp-status.dto';
import { McpService } from './mcp.service';

const statusMap = (description: string) => ({
  type: 'object' as const,
  additionalProperties: { $ref: getSchemaPath(McpStatusSchema) },
  description,
});

const oneStatus = () => ({ $ref: getSchemaPath(McpStatusSchema) });

/** The 404 of the routes naming a server. */
const ServerNotFound = () =>
  ApiNotFoundResponse({ description: 'McpServerNotFoundError', type: McpServerNotFoundErrorDto });

@Controller('mcp')
@ApiExtraModels(...MCP_STATUS_MODELS, ...MCP_CONFIG_MODELS)
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
  @ApiBody({ type: McpAddInputSchema, required: true })
  add(
    @CurrentInstance() instance: Instance,
    @Body(new ZodBodyPipe(McpAddBodySchema)) body: McpAddBody,
  ): Promise<McpStatusMap> {
    return this.mcp.add(instance, body.name, body.config);
  }

  @Post(':name/auth')
  @Endpoint({
    operationId: 'mcp.auth.start',
    tag: 'mcp',
    summary: 'Start MCP OAuth',
    description:
      'Start OAuth authentication flow for a Model Context Protocol (MCP) server: answers the page to open; the code it leads to goes to POST /mcp/{name}/auth/callback.',
    response: McpAuthStartDto,
    responseDescription: 'OAuth flow started',
  })
  @ServerNotFound()
  startAuth(
    @CurrentInstance() instance: Instance,
    @Param() params: McpNameParamsDto,
  ): Promise<McpAuthStartDto> {
    return this.mcp.startAuth(instance, params.name);
  }

  @Delete(':name/auth')
  @Endpoint({
    operationId: 'mcp.auth.remove',
    tag: 'mcp',
    summary: 'Remove MCP OAuth',
    description: 'Remove OAuth credentials for an MCP server.',
    response: McpAuthRemoveDto,
    responseDescription: 'OAuth credentials removed',
  })
  @ServerNotFound()
  removeAuth(
    @CurrentInstance() instance: Instance,
    @Param() params: McpNameParamsDto,
  ): Promise<McpAuthRemoveDto> {
    return this.mcp.removeAuth(instance, params.name);
  }

  @Post(':name/auth/callback')
  @Endpoint({
    operationId: 'mcp.auth.callback',
    tag: 'mcp',
    summary: 'Complete MCP OAuth',
    description:
      'Complete OAuth authentication for a Model Context Protocol (MCP) server using the authorization code.',
    response: oneStatus(),
    responseDescription: 'OAuth authentication completed',
  })
  @ServerNotFound()
  finishAuth(
    @CurrentInstance() instance: Instance,
    @Param() params: McpNameParamsDto,
    @Body() body: McpAuthCallbackDto,
  ): Promise<McpStatus> {
    return this.mcp.finishAuth(instance, params.name, body.code);
  }

  @Post(':name/auth/authenticate')
  @Endpoint({
    operationId: 'mcp.auth.authenticate',
    tag: 'mcp',
    summary: 'Authenticate MCP OAuth',
    description:
      'Start OAuth flow and wait for callback (opens browser; without one, publishes mcp.browser.open.failed with the URL).',
    response: oneStatus(),
    responseDescription: 'OAuth authentication completed',
  })
  @ServerNotFound()
  authenticate(
    @CurrentInstance() instance: Instance,
    @Param() params: McpNameParamsDto,
  ): Promise<McpStatus> {
    return this.mcp.authenticate(instance, params.name);
  }

  @Post(':name/connect')
  @Endpoint({
    operationId: 'mcp.connect',
    tag: 'mcp',
    summary: 'Connect an MCP server',
    description: 'Connect an MCP server.',
    response: 'boolean',
    responseDescription: 'MCP server connected successfully',
  })
  @ServerNotFound()
  connect(
    @CurrentInstance() instance: Instance,
    @Param() params: McpNameParamsDto,
  ): Promise<boolean> {
    return this.mcp.connect(instance, params.name);
  }

  @Post(':name/disconnect')
  @Endpoint({
    operationId: 'mcp.disconnect',
    tag: 'mcp',
    summary: 'Disconnect an MCP server',
    description: 'Disconnect an MCP server.',
    response: 'boolean',
    responseDescription: 'MCP server disconnected successfully',
  })
  @ServerNotFound()
  disconnect(
    @CurrentInstance() instance: Instance,
    @Param() params: McpNameParamsDto,
  ): Promise<boolean> {
    return this.mcp.disconnect(instance, params.name);
  }
}
