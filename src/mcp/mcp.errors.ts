import { NamedError } from '../core/errors/named-error';
import { TaggedError } from '../core/errors/tagged-error';

/** No MCP server of that name in the config or added at runtime: `{ _tag, name, message }`. */
export class McpServerNotFoundError extends TaggedError<{ name: string }> {
  constructor(name: string) {
    super('McpServerNotFoundError', 404, `MCP server not found: ${name}`, { name });
  }
}

/**
 * OAuth routes on a local server or one configured with `oauth: false`. The reference answers
 * `{ error }`; the message is the same, in this server's `{ name, data }` shape.
 */
export class McpUnsupportedOAuthError extends NamedError {
  constructor(name: string) {
    super('McpUnsupportedOAuthError', 400, {
      message: `MCP server ${name} does not support OAuth`,
    });
  }
}

/**
 * A login that cannot go on as asked: nothing pending, a code or an answer the authorization
 * server refused, a user who declined, a redirect URI no local listener can serve.
 * Deliberate difference: the reference answers most of these with a 500 (or a 200 `failed`
 * status for a refused code); they are the client's to fix or retry, so 400 says why.
 */
export class McpOAuthError extends NamedError {
  constructor(message: string) {
    super('McpOAuthError', 400, { message });
  }
}

/** The MCP server or its authorization server failed (unreachable, an unusable answer). */
export class McpOAuthUpstreamError extends NamedError {
  constructor(message: string) {
    super('McpOAuthUpstreamError', 502, { message });
  }
}

/**
 * The port the browser is sent back to is taken by another program. Deliberate difference: the
 * reference then waits five minutes for a callback that cannot arrive.
 */
export class McpOAuthCallbackPortInUseError extends NamedError<{ message: string; port: number }> {
  constructor(port: number) {
    super('McpOAuthCallbackPortInUseError', 409, {
      message: `Port ${port} for the OAuth callback is in use; set another oauth.callbackPort for this server`,
      port,
    });
  }
}
