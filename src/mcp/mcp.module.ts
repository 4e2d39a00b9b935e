import { Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { McpAuthStore } from './mcp-auth.store';
import { McpOAuthCallbackService } from './mcp-oauth-callback.service';
import { McpResourceController } from './mcp-resource.controller';
import { McpController } from './mcp.controller';
import { McpService } from './mcp.service';

/**
 * The `/mcp` routes (status, add, connect/disconnect, OAuth login), `GET /experimental/resource`
 * and `McpService`, through which the agent loop gets the MCP servers' tools.
 */
@Module({
  imports: [ConfigModule],
  controllers: [McpController, McpResourceController],
  providers: [McpService, McpAuthStore, McpOAuthCallbackService],
  exports: [McpService],
})
export class McpModule {}
