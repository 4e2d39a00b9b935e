import { Module, OnModuleInit } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import { ToolModule } from '../tool/tool.module';
import { ToolRegistryService } from '../tool/tool-registry.service';
import { McpAuthStore } from './mcp-auth.store';
import { McpOAuthCallbackService } from './mcp-oauth-callback.service';
import { McpResourceController } from './mcp-resource.controller';
import { McpController } from './mcp.controller';
import { McpService } from './mcp.service';

/**
 * The `/mcp` routes (status, add, connect/disconnect, OAuth login), `GET /experimental/resource`
 * and `McpService`, whose servers' tools it hands to the tool registry at start-up.
 */
@Module({
  imports: [ConfigModule, ToolModule],
  controllers: [McpController, McpResourceController],
  providers: [McpService, McpAuthStore, McpOAuthCallbackService],
  exports: [McpService],
})
export class McpModule implements OnModuleInit {
  constructor(
    private readonly tools: ToolRegistryService,
    private readonly mcp: McpService,
  ) {}

  onModuleInit(): void {
    this.tools.registerSource((instance) => this.mcp.tools(instance));
  }
}
