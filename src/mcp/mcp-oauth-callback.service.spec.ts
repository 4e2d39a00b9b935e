import { Logger } from '@nestjs/common';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpOAuthCallbackService } from './mcp-oauth-callback.service';
import { McpOAuthCallbackPortInUseError, McpOAuthError } from './mcp.errors';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('McpOAuthCallbackService', () => {
  let service: McpOAuthCallbackService;
  let port: number;
  let redirect: string;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    service = new McpOAuthCallbackService();
    port = await freePort();
    redirect = `http://127.0.0.1:${port}/mcp/oauth/callback`;
  });

  afterEach(() => service.onModuleDestroy());

  it('hands the code of the matching state to its login and stops listening', async () => {
    const pending = await service.expect(redirect, 'state-1', 'srv');
    const res = await fetch(`${redirect}?code=abc&state=state-1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'");
    await expect(pending.code).resolves.toBe('abc');
    // Nobody waits any more: the port is free again.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(redirect)).rejects.toThrow();
  });

  it('answers 400 to a missing or unknown state and 404 elsewhere, leaving the login waiting', async () => {
    const pending = await service.expect(redirect, 'state-1', 'srv');
    expect((await fetch(`${redirect}?code=abc`)).status).toBe(400);
    expect((await fetch(`${redirect}?code=abc&state=other`)).status).toBe(400);
    expect((await fetch(`${redirect}?state=state-1`)).status).toBe(400);
    expect((await fetch(`http://127.0.0.1:${port}/other?state=state-1&code=x`)).status).toBe(404);
    pending.cancel('done');
    await expect(pending.code).rejects.toThrow('done');
  });

  it('fails the login the authorization server refused, escaping its words in the page', async () => {
    const pending = await service.expect(redirect, 'state-1', 'srv');
    const res = await fetch(
      `${redirect}?state=state-1&error=access_denied&error_description=${encodeURIComponent('<b>no</b>')}`,
    );
    expect(await res.text()).toContain('&lt;b&gt;no&lt;/b&gt;');
    await expect(pending.code).rejects.toThrow(McpOAuthError);
    await expect(pending.code).rejects.toThrow('refused the login: <b>no</b>');
  });

  it('gives up after the time limit', async () => {
    const pending = await service.expect(redirect, 'state-1', 'srv', 50);
    await expect(pending.code).rejects.toThrow(/took too long/);
  });

  it('cancels the logins of a server but the one it is told to keep', async () => {
    const first = await service.expect(redirect, 'state-1', 'srv');
    const second = await service.expect(redirect, 'state-2', 'srv');
    const other = await service.expect(redirect, 'state-3', 'other');
    service.cancel('srv', 'newer login', 'state-2');
    await expect(first.code).rejects.toThrow('newer login');
    const res = await fetch(`${redirect}?code=two&state=state-2`);
    expect(res.status).toBe(200);
    await expect(second.code).resolves.toBe('two');
    other.cancel('bye');
  });

  it('refuses redirect URIs it cannot serve and a port already taken', async () => {
    await expect(service.expect('https://app.example.com/cb', 's', 'srv')).rejects.toThrow(
      McpOAuthError,
    );
    await expect(service.expect('http://10.0.0.1:8080/cb', 's', 'srv')).rejects.toThrow(
      McpOAuthError,
    );
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await expect(service.expect(redirect, 's', 'srv')).rejects.toThrow(
        McpOAuthCallbackPortInUseError,
      );
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
