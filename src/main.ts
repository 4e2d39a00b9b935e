import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { AppEnvironment } from './core/config/app-environment';
import { DEFAULT_SERVER_OPTIONS, ServerOptions } from './core/config/server-options';
import { registerAuth, withoutAuthToken } from './core/http/auth';
import {
  answerFrameworkError,
  createClientErrorHandler,
  MAX_PARAM_LENGTH,
} from './core/http/client-error';
import { createOriginPolicy } from './core/http/cors';
import { DirectoryAllowlist, sessionDirectoryReader } from './core/http/directory-allowlist';
import { lazySchemaCompilers } from './core/http/lazy-schema-compilers';
import { acceptJsonBodiesOnly } from './core/http/json-bodies';
import { IdempotencyKeys, registerIdempotency } from './core/http/idempotency';
import { registerRequestContext } from './core/http/request-context';
import { registerWebSockets } from './core/http/websocket';
import { mountWebClient } from './core/http/web-client';
import { V2ExceptionFilter } from './core/http/v2/v2-exception.filter';
import { HttpExceptionFilter } from './core/errors/http-exception.filter';
import { InstanceService } from './core/instance/instance.service';
import { DatabaseService } from './core/storage/database.service';
import { IdempotencyKeyRepository } from './core/storage/idempotency-key.repository';
import { buildOpenApiDocument } from './core/http/openapi';
import { createPinoLogger, PinoLoggerService } from './core/logging/pino-logger.service';
import { registerHttpMetrics } from './metrics/http-metrics';
import { MetricsService } from './metrics/metrics.service';

export interface CreateAppOptions {
  env?: AppEnvironment;
  server?: Partial<ServerOptions>;
  logger?: Logger;
  /** The built browser client (a directory holding index.html); else the build's dist/web. */
  webClientDirectory?: string;
}

export const DOC_PATH = '/doc';
export const DOC_UI_PATH = '/doc/ui';

/** Builds the whole server (routes, auth, CORS, /doc) without listening: used by the CLI and tests. */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const env = options.env ?? new AppEnvironment();
  const server: ServerOptions = { ...DEFAULT_SERVER_OPTIONS, ...options.server };
  const logger = options.logger ?? createPinoLogger(env.logLevel);
  const adapter = new FastifyAdapter({
    // Open SSE streams would otherwise keep `close()` waiting forever.
    forceCloseConnections: true,
    schemaController: lazySchemaCompilers(),
    bodyLimit: 50 * 1024 * 1024,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Requests refused before any route runs still get the API's error body.
    clientErrorHandler: createClientErrorHandler(logger),
    frameworkErrors: answerFrameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(env, server),
    adapter,
    {
      logger: new PinoLoggerService(logger),
      abortOnError: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  const classicErrors = new HttpExceptionFilter();
  const v2Errors = new V2ExceptionFilter();
  const scopeErrors = {
    instance: (error: unknown) => classicErrors.describe(error),
    location: (error: unknown) => v2Errors.describe(error),
  };
  // First: its hooks must see every upgrade request, refused ones included (it closes their
  // sockets once answered).
  await registerWebSockets(app, scopeErrors);
  registerAuth(fastify, {
    basic: env.serverPassword
      ? { username: env.serverUsername, password: env.serverPassword }
      : undefined,
    tokens: env.serverTokens,
  });
  const allowlist = app.get(DirectoryAllowlist);
  registerRequestContext(fastify, app.get(InstanceService), env, scopeErrors, {
    allowlist,
    sessionDirectory: sessionDirectoryReader(app.get(DatabaseService)),
  });
  // After the request context: a key's request is told apart by its directory too.
  registerIdempotency(
    fastify,
    new IdempotencyKeys(new IdempotencyKeyRepository(app.get(DatabaseService))),
    scopeErrors.instance,
  );
  const isAllowedOrigin = createOriginPolicy(server.cors);
  app.enableCors({
    origin: (origin, callback) => callback(null, isAllowedOrigin(origin)),
    credentials: true,
    // @fastify/cors allows only GET, HEAD and POST by default; the API also uses PUT, PATCH and
    // DELETE (session.update, session.delete, auth.set), which a browser preflights.
    methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS'],
  });
  registerHttpMetrics(fastify, app.get(MetricsService));
  // The level is fixed at start-up: no hook at all (so no per-request cost) unless debugging.
  if (logger.isLevelEnabled('debug')) {
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done) => {
      logger.debug(
        {
          method: request.method,
          url: withoutAuthToken(request.url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
      done();
    });
  }
  await app.init();
  acceptJsonBodiesOnly(fastify);
  mountDocs(app, fastify, env.version);
  mountWebClient(
    fastify,
    options.webClientDirectory === undefined ? undefined : [options.webClientDirectory],
  );
  return app;
}

/**
 * `GET /doc` answers the OpenAPI JSON (what generators fetch); a browser asking for HTML is sent
 * to Swagger UI, whose assets are served locally from `swagger-ui-dist`. The document is built on
 * first use, not at start-up: scanning every route takes tens of milliseconds and megabytes that
 * a server nobody asks for its API description never needs.
 */
function mountDocs(app: NestFastifyApplication, fastify: FastifyInstance, version: string): void {
  let document: OpenAPIObject | undefined;
  let json: string | undefined;
  const getDocument = () => (document ??= buildOpenApiDocument(app, version));
  SwaggerModule.setup(DOC_UI_PATH.slice(1), app, getDocument, {
    jsonDocumentUrl: `${DOC_PATH.slice(1)}/openapi.json`,
    swaggerOptions: { validatorUrl: null },
    customSiteTitle: 'opencode server API',
  });
  fastify.get(DOC_PATH, (request, reply) => {
    const accept = request.headers.accept ?? '';
    if (accept.includes('text/html')) return reply.redirect(`${DOC_UI_PATH}/`, 302);
    json ??= JSON.stringify(getDocument());
    return reply.header('content-type', 'application/json; charset=utf-8').send(json);
  });
}
