import { ApiProperty } from '@nestjs/swagger';
import { BusEvent } from '../core/bus/bus-event';

/** An MCP server said its tool list changed: the next turn lists its tools again. */
@BusEvent('mcp.tools.changed')
export class McpToolsChangedEvent {
  @ApiProperty({ description: 'Name of the MCP server, as configured' })
  server: string;
}

declare module '../core/bus/bus-event' {
  interface BusEventMap {
    'mcp.tools.changed': McpToolsChangedEvent;
  }
}
