/**
 * The MCP SDK, loaded when the first MCP server connects: it weighs about 20 MB of memory that a
 * server with no MCP server configured never needs. Node's module cache makes later calls free.
 */
export async function loadMcpSdk() {
  const [auth, client, sse, stdio, streamable, types, oauthErrors] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/auth.js'),
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/sse.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
    import('@modelcontextprotocol/sdk/server/auth/errors.js'),
  ]);
  return {
    UnauthorizedError: auth.UnauthorizedError,
    Client: client.Client,
    SSEClientTransport: sse.SSEClientTransport,
    SseError: sse.SseError,
    StdioClientTransport: stdio.StdioClientTransport,
    StreamableHTTPClientTransport: streamable.StreamableHTTPClientTransport,
    StreamableHTTPError: streamable.StreamableHTTPError,
    CallToolResultSchema: types.CallToolResultSchema,
    ToolListChangedNotificationSchema: types.ToolListChangedNotificationSchema,
    OAuthError: oauthErrors.OAuthError,
    ServerError: oauthErrors.ServerError,
  };
}

export type McpSdk = Awaited<ReturnType<typeof loadMcpSdk>>;
