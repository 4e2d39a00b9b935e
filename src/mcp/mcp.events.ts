import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';

/** An MCP server said its tool list changed: the next turn lists its tools again. */
@BusEvent('mcp.tools.changed')
export class McpToolsChangedEvent {
  @ApiProperty({ description: 'Name of the MCP server, as configured' })
  server: string;
}

/**
 * A login (`POST /mcp/:name/auth/authenticate`) could not open a browser (none on this machine):
 * a client shows the URL to the user instead.
 */
@BusEvent('mcp.browser.open.failed')
export class McpBrowserOpenFailedEvent {
  @ApiProperty({ description: 'Name of the MCP server, as configured' })
  mcpName: string;

  @ApiProperty({ description: 'The authorization page to open' })
  url: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'mcp.tools.changed': McpToolsChangedEvent;
    'mcp.browser.open.failed': McpBrowserOpenFailedEvent;
  }
}
