import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { AppEnvironment } from '../config/app-environment';
import { HttpExceptionFilter } from '../errors/http-exception.filter';
import type { Instance } from '../instance/instance';
import type { InstanceService } from '../instance/instance.service';
import { DirectoryAllowlist } from './directory-allowlist';
import { registerRequestContext } from './request-context';
import { V2ExceptionFilter } from './v2/v2-exception.filter';

describe('registerRequestContext with an allowlist', () => {
  let root: string;
  let allowed: string;
  let outside: string;
  let app: FastifyInstance;
  const resolved: string[] = [];

  beforeAll(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'request-context-')));
    allowed = join(root, 'allowed');
    outside = join(root, 'outside');
    mkdirSync(allowed);
    mkdirSync(outside);
    const instances = {
      created: () => undefined,
      resolve: (directory: string) => {
        resolved.push(directory);
        return Promise.resolve({ directory, projectID: 'p' } as unknown as Instance);
      },
    } as unknown as InstanceService;
    const sessions: Record<string, string> = { ses_in: allowed, ses_out: outside };
    const classic = new HttpExceptionFilter();
    const v2 = new V2ExceptionFilter();
    app = Fastify();
    registerRequestContext(
      app,
      instances,
      { defaultDirectory: allowed } as AppEnvironment,
      { instance: (e) => classic.describe(e), location: (e) => v2.describe(e) },
      {
        allowlist: new DirectoryAllowlist([allowed], root),
        sessionDirectory: (id) => sessions[id],
      },
    );
    const answer = (request: FastifyRequest) => ({
      directory: (request as FastifyRequest & { instance?: Instance }).instance?.directory,
    });
    app.get('/classic/:sessionID', { config: { scope: 'instance' } }, answer);
    app.get('/api/session/:sessionID', { config: { scope: 'location' } }, answer);
    app.get('/server/:sessionID', answer);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => resolved.splice(0));

  it('refuses a directory outside before any instance is created', async () => {
    const res = await app.inject({ url: `/classic/x?directory=${encodeURIComponent(outside)}` });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      name: 'ForbiddenDirectoryError',
      data: { directory: outside },
    });
    const api = await app.inject({
      url: `/api/session/x?location[directory]=${encodeURIComponent(outside)}`,
    });
    expect(api.statusCode).toBe(403);
    expect(api.json()).toEqual({ _tag: 'ForbiddenError', message: expect.any(String) as string });
    expect(resolved).toEqual([]);
    const ok = await app.inject({ url: `/classic/x?directory=${encodeURIComponent(allowed)}` });
    expect(ok.json()).toEqual({ directory: allowed });
  });

  it('answers a session outside as an unknown one, in each API’s shape, whatever the scope', async () => {
    const classic = await app.inject({ url: '/classic/ses_out' });
    expect(classic.statusCode).toBe(404);
    expect(classic.json()).toEqual({
      name: 'NotFoundError',
      data: { message: 'Session not found: ses_out' },
    });
    const api = await app.inject({ url: '/api/session/ses_out' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({
      _tag: 'SessionNotFoundError',
      sessionID: 'ses_out',
      message: 'Session not found: ses_out',
    });
    expect((await app.inject({ url: '/server/ses_out' })).statusCode).toBe(404);
    expect(resolved).toEqual([]);
    for (const url of [
      '/classic/ses_in',
      '/api/session/ses_in',
      '/server/ses_in',
      '/server/ses_unknown',
    ]) {
      expect((await app.inject({ url })).statusCode).toBe(200);
    }
  });
});
