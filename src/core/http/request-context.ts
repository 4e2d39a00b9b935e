import { resolve } from 'node:path';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppEnvironment } from '../config/app-environment';
import { BadRequestError } from '../errors/named-error';
import { SessionNotFoundError, SessionNotFoundV2Error } from '../errors/session-not-found';
import type { Instance } from '../instance/instance';
import type { InstanceService } from '../instance/instance.service';
import { type DirectoryAllowlist, ForbiddenDirectoryError } from './directory-allowlist';
import { RequestLocation } from './v2/request-location';
import { readRequestedLocation } from './v2/requested-location';

export const DIRECTORY_HEADER = 'x-opencode-directory';

/**
 * What a route works on: one project directory (`instance`: the classic `?directory=` or
 * `x-opencode-directory`), a `/api` location (`location`: `location[directory]` or the header),
 * or neither (server-wide routes, which carry no scope).
 */
type RouteScope = 'instance' | 'location';

type ContextRequest = FastifyRequest & { instance?: Instance; location?: RequestLocation };

/**
 * Marks a route as working on one project directory (`@Endpoint` applies it). `config`: more of
 * the route's Fastify config (a WebSocket gateway), which shares the one config object.
 */
export const InstanceScoped = (config: object = {}) =>
  RouteConfig({ ...config, scope: 'instance' satisfies RouteScope });

/** Marks a `/api` route as working in a location (`@V2Endpoint` applies it). */
export const LocationScoped = (config: object = {}) =>
  RouteConfig({ ...config, scope: 'location' satisfies RouteScope });

/** The instance of the request's project directory (see `registerRequestContext`). */
export const CurrentInstance = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const instance = context.switchToHttp().getRequest<ContextRequest>().instance;
  if (!instance) throw new Error('CurrentInstance used on a route without a directory');
  return instance;
});

/** The location of a `/api` request (see `registerRequestContext`). */
export const CurrentLocation = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestLocation => {
    const location = context.switchToHttp().getRequest<ContextRequest>().location;
    if (!location) throw new Error('CurrentLocation used on a route without a location');
    return location;
  },
);

/** Writes a failure of the hook the way the route's own errors are written. */
export interface ScopeErrorWriters {
  instance(error: unknown): { status: number; body: unknown };
  location(error: unknown): { status: number; body: unknown };
}

/**
 * What `--allow-dir` needs beyond the requested directory: the directory a session belongs to
 * (`undefined` for an unknown one), since session routes name the session, not its directory.
 */
export interface DirectoryGuard {
  allowlist: DirectoryAllowlist;
  sessionDirectory(sessionID: string): string | undefined;
}

/**
 * Picks the directory of each request before its handler runs, as a Fastify `preHandler` hook:
 * one hook call per request, no interceptor (and so no per-request rxjs pipeline or async
 * resource) in Nest's chain. The scope comes from the route's config, set once by `@Endpoint` /
 * `@V2Endpoint`, so nothing is looked up per request either. An instance already created is
 * handed over synchronously; the first request of a directory waits for it to be created.
 *
 * - `instance`: `?directory=` wins over the `x-opencode-directory` header (sent URL-encoded by the
 *   official SDK), else the directory the server started in; handlers take `@CurrentInstance()`.
 * - `location`: read as the reference reads `/api` locations (`readRequestedLocation`); handlers
 *   take `@CurrentLocation()` (and `@CurrentInstance()`). Deliberate difference: a directory that
 *   does not exist is a 400 naming the key or header it came from, not a 500.
 *
 * With an allowlist (`guard`), a directory outside it is refused with 403
 * `ForbiddenDirectoryError` (on `/api` routes the reference's `ForbiddenError`) before any
 * instance is created for it, and a route naming a session (`:sessionID`, whatever its scope)
 * whose directory is outside answers 404 as for an unknown session: its existence is not the
 * business of a client confined to other directories.
 */
export function registerRequestContext(
  fastify: FastifyInstance,
  instances: InstanceService,
  env: AppEnvironment,
  errors: ScopeErrorWriters,
  guard?: DirectoryGuard,
): void {
  const allowlist = guard?.allowlist.enabled ? guard.allowlist : undefined;
  fastify.addHook('preHandler', (request: ContextRequest, reply: FastifyReply, done) => {
    // The instance's own (real) directory is checked again: a symlink swapped between the check
    // of the asked-for path and the instance's creation, or an instance cached for a path whose
    // link has moved since, must not serve a directory outside the list.
    const refused = (instance: Instance, directory: string): boolean => {
      if (!allowlist || allowlist.allows(instance.directory)) return false;
      fail(reply, errors.instance(new ForbiddenDirectoryError(directory)));
      return true;
    };
    const scope = (request.routeOptions.config as { scope?: RouteScope } | undefined)?.scope;
    if (allowlist) {
      const sessionID = (request.params as Record<string, unknown> | undefined)?.sessionID;
      const owner = typeof sessionID === 'string' ? guard!.sessionDirectory(sessionID) : undefined;
      if (owner !== undefined && !allowlist.allows(owner)) {
        const id = sessionID as string;
        // What each API answers for a session it does not have: the /api one has a tag of its own.
        return scope === 'location' || request.url.startsWith('/api/')
          ? fail(reply, errors.location(new SessionNotFoundV2Error(id)))
          : fail(reply, errors.instance(new SessionNotFoundError(id)));
      }
    }
    if (scope === 'instance') {
      const directory = directoryOf(request, env.defaultDirectory);
      if (directory instanceof BadRequestError) return fail(reply, errors.instance(directory));
      // Resolved from the process's directory, as `InstanceService` resolves it.
      if (allowlist && !allowlist.allows(resolve(directory))) {
        return fail(reply, errors.instance(new ForbiddenDirectoryError(directory)));
      }
      const ready = instances.created(directory);
      if (ready) {
        if (refused(ready, directory)) return;
        request.instance = ready;
        done();
        return;
      }
      instances.resolve(directory).then(
        (instance) => {
          if (refused(instance, directory)) return;
          request.instance = instance;
          done();
        },
        (error: unknown) => fail(reply, errors.instance(error)),
      );
      return;
    }
    if (scope === 'location') {
      const requested = readLocation(request, env.defaultDirectory);
      if (requested instanceof Error) return fail(reply, errors.location(requested));
      if (allowlist && !allowlist.allows(requested.directory)) {
        return fail(reply, errors.location(new ForbiddenDirectoryError(requested.directory)));
      }
      instances.resolve(requested.directory).then(
        (instance) => {
          if (allowlist && !allowlist.allows(instance.directory)) {
            return fail(reply, errors.location(new ForbiddenDirectoryError(requested.directory)));
          }
          request.instance = instance;
          request.location = new RequestLocation(instance, requested.workspaceID);
          done();
        },
        (error: unknown) => {
          const source = requested.directorySource;
          const named =
            error instanceof BadRequestError && source
              ? new BadRequestError(error.data.message, source.kind, source.field)
              : error;
          fail(reply, errors.location(named));
        },
      );
      return;
    }
    done();
  });
}

function fail(reply: FastifyReply, { status, body }: { status: number; body: unknown }): void {
  void reply.code(status).header('content-type', 'application/json').send(body);
}

function directoryOf(request: FastifyRequest, fallback: string): string | BadRequestError {
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.directory;
  if (typeof fromQuery === 'string' && fromQuery) return fromQuery;
  // `?directory=a&directory=b` would otherwise fall back to the server's own directory and
  // answer for another project than either.
  if (fromQuery !== undefined && typeof fromQuery !== 'string') {
    return new BadRequestError('directory must be a single string', 'Query', 'directory');
  }
  const header = request.headers[DIRECTORY_HEADER];
  if (typeof header === 'string' && header) return safeDecode(header);
  return fallback;
}

function readLocation(request: FastifyRequest, fallback: string) {
  try {
    return readRequestedLocation(
      request.query as Record<string, unknown> | undefined,
      request.headers,
      fallback,
    );
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
