import { applyDecorators, HttpCode, Type } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type {
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { BadRequestErrorDto, ForbiddenPathErrorDto, NotFoundErrorDto } from '../errors/error.dto';
import { Field } from './field.decorators';
import { IdempotencyKeyHeader, type IdempotentRouteConfig } from './idempotency';
import { InstanceScoped } from './request-context';
import type { WebSocketGateway } from './websocket';

export type EndpointResponse = Type | [Type] | 'boolean' | 'none' | SchemaObject | ReferenceObject;

export interface EndpointOptions {
  /** The reference's operation id (`session.list`): the official SDK's method name. */
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  response: EndpointResponse;
  responseDescription?: string;
  /** Error responses the route can give besides 400. */
  notFound?: boolean;
  forbidden?: boolean;
  /**
   * A server-wide route: it takes no `directory` / `workspace` parameters and its handler no
   * instance. Every other route works on the directory the request names (`@CurrentInstance()`).
   */
  serverScoped?: boolean;
  /** Kept for older clients; /doc marks it so new ones use its replacement. */
  deprecated?: boolean;
  /** The response is a stream of server-sent events (`text/event-stream`), not JSON. */
  eventStream?: boolean;
  /** The route also takes WebSocket upgrades, admitted and served by this gateway. */
  webSocket?: Type<WebSocketGateway>;
  /** The route honours an `Idempotency-Key` header (`core/http/idempotency.ts`). */
  idempotent?: boolean;
}

/**
 * One decorator per route carrying its whole OpenAPI description: operation id, summary, the
 * common `directory` / `workspace` query parameters, the success schema and the error schemas.
 */
export function Endpoint(options: EndpointOptions): MethodDecorator {
  const decorators: Array<ClassDecorator | MethodDecorator | PropertyDecorator> = [
    ApiOperation({
      operationId: options.operationId,
      summary: options.summary,
      description: options.description ?? options.summary,
      ...(options.deprecated && { deprecated: true }),
    }),
    ApiTags(options.tag),
    HttpCode(options.response === 'none' ? 204 : 200),
    ApiBadRequestResponse({ description: 'Bad request', type: BadRequestErrorDto }),
  ];
  if (!options.serverScoped) {
    decorators.push(
      InstanceScoped({
        ...(options.webSocket && { webSocket: options.webSocket }),
        ...(options.idempotent && ({ idempotent: true } satisfies IdempotentRouteConfig)),
      }),
      ApiQuery({ name: 'directory', required: false, type: String }),
      ApiQuery({ name: 'workspace', required: false, type: String }),
    );
  }
  if (options.idempotent) decorators.push(IdempotencyKeyHeader());
  decorators.push(
    successResponse(options.response, options.responseDescription ?? options.summary),
  );
  if (options.eventStream) decorators.push(ApiProduces('text/event-stream'));
  if (options.notFound) {
    decorators.push(ApiNotFoundResponse({ description: 'Not found', type: NotFoundErrorDto }));
  }
  if (options.forbidden) {
    decorators.push(
      ApiForbiddenResponse({ description: 'Outside the project', type: ForbiddenPathErrorDto }),
    );
  }
  return applyDecorators(...decorators);
}

function successResponse(response: EndpointResponse, description: string): MethodDecorator {
  if (response === 'none') return ApiResponse({ status: 204, description });
  if (response === 'boolean') return ApiOkResponse({ description, schema: { type: 'boolean' } });
  if (Array.isArray(response))
    return ApiOkResponse({ description, type: response[0], isArray: true });
  if (typeof response === 'function') return ApiOkResponse({ description, type: response });
  return ApiOkResponse({ description, schema: response });
}

/**
 * Base of every query DTO: accepts the common `directory` / `workspace` parameters (which the
 * instance interceptor reads) so strict validation does not refuse them. `@Endpoint` documents
 * them once, hence hidden here. (`auth_token` never reaches a DTO: the auth hook takes it out.)
 */
export class InstanceQueryDto {
  @Field.hidden()
  directory?: string;

  @Field.hidden()
  workspace?: string;
}
