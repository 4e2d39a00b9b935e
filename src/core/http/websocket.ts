import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyRequest, preHandlerHookHandler, RouteOptions } from 'fastify';
import type { WebSocket } from 'ws';
import type { ScopeErrorWriters } from './request-context';

/**
 * WebSocket routes (a terminal's `/pty/:id/connect`) on the same Fastify routes as everything
 * else: the route is an ordinary controller handler, documented in /doc and answering a plain
 * GET, whose `@Endpoint` / `@V2Endpoint` names a gateway (`webSocket: PtySocketGateway`). An
 * upgrade request is routed like any request (`@fastify/websocket` feeds it through Fastify), so
 * the auth hook and the request context run before anything is upgraded; then the gateway's
 * `admit` runs, and only when it lets the request in does the upgrade happen and `connect` get
 * the socket.
 */
export interface WebSocketGateway {
  /**
   * A query parameter that carries a single-use ticket in place of credentials (browsers cannot
   * give a WebSocket an `Authorization` header). A request with a non-empty one skips basic auth
   * (`auth.ts`), so `admit` MUST check it, for plain GETs as well as for upgrades.
   */
  readonly ticketParameter?: string;

  /**
   * Runs before the upgrade (and before the handler of a plain GET), after auth and the request
   * context: throws a named or tagged error to refuse the request with its status.
   */
  admit(request: FastifyRequest): void | Promise<void>;

  /** The upgraded socket of an admitted request. */
  connect(socket: WebSocket, request: FastifyRequest): void;
}

/** What a route's config carries (set by `@Endpoint` / `@V2Endpoint`). */
export interface WebSocketRouteConfig {
  webSocket?: Type<WebSocketGateway>;
  ticketParameter?: string;
  scope?: 'instance' | 'location';
}

/** Largest message a client may send (terminal input, pasted text): past it, the socket closes. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** The ticket a request carries in place of credentials, when its route takes one. */
export function ticketOf(request: FastifyRequest): string | undefined {
  const parameter = (request.routeOptions.config as WebSocketRouteConfig | undefined)
    ?.ticketParameter;
  if (!parameter) return undefined;
  const value = (request.query as Record<string, unknown> | undefined)?.[parameter];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Registers `@fastify/websocket` and wires each route whose config names a gateway: its
 * `admit` as the route's last preHandler, its `connect` as the upgrade handler. Call before
 * `app.init()` (which registers the routes).
 */
export async function registerWebSockets(
  app: NestFastifyApplication,
  errors: ScopeErrorWriters,
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // Added before the plugin's own `onRoute` hook, which reads `wsHandler` off the route.
  fastify.addHook('onRoute', (route: RouteOptions & { wsHandler?: unknown }) => {
    const config: WebSocketRouteConfig | undefined = route.config;
    if (!config?.webSocket) return;
    const gateway = app.get(config.webSocket, { strict: false });
    if (gateway.ticketParameter) config.ticketParameter = gateway.ticketParameter;
    const describe = (error: unknown) =>
      config.scope === 'location' ? errors.location(error) : errors.instance(error);
    const admit: preHandlerHookHandler = (request, reply, done) => {
      Promise.resolve()
        .then(() => gateway.admit(request))
        .then(
          () => done(),
          (error: unknown) => {
            const { status, body } = describe(error);
            void reply.code(status).header('content-type', 'application/json').send(body);
          },
        );
    };
    const existing = route.preHandler;
    route.preHandler = [
      ...(Array.isArray(existing) ? existing : existing ? [existing] : []),
      admit,
    ];
    if (route.method === 'GET' || (Array.isArray(route.method) && route.method.includes('GET'))) {
      route.wsHandler = (socket: WebSocket, request: FastifyRequest) =>
        gateway.connect(socket, request);
    }
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
}
