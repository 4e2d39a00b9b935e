import { applyDecorators, HttpCode, Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type {
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { InvalidRequestErrorDto, UnauthorizedErrorDto } from './tagged-error.dto';
import { LocationInfoDto } from './location.dto';
import { LocationScoped } from '../request-context';
import { LOCATION_DIRECTORY_KEY, LOCATION_WORKSPACE_KEY } from './requested-location';
import type { WebSocketGateway } from '../websocket';

/**
 * What a v2 route answers with 200:
 * - `{ located: X }` / `{ located: [X] }`: the `{ location, data }` envelope around X (or X[]);
 * - `{ data: X }` / `{ data: [X] }`: the `{ data }` envelope of the session routes;
 * - a DTO class: that object alone;
 * - `{ schema }`: an inline schema;
 * - `{ binary }`: raw bytes of that media type;
 * - `{ eventStream }`: server-sent events, each frame's `data` one JSON object of that schema;
 * - `'none'`: 204, no body.
 */
export type V2Response =
  | { located: Type | [Type] }
  | { data: Type | [Type] }
  | Type
  | { schema: SchemaObject }
  | { binary: string }
  | { eventStream: Type }
  | 'none';

export interface V2EndpointOptions {
  /** The reference's operation id (`v2.agent.list`): the v2 SDK's method name. */
  operationId: string;
  summary: string;
  description: string;
  tag: string;
  response: V2Response;
  /**
   * Whether the route works in a location (`location[directory]` / `location[workspace]` query,
   * or the `x-opencode-directory` / `x-opencode-workspace` headers): the handler then gets it
   * through `@CurrentLocation()`. True unless said otherwise.
   */
  location?: boolean;
  /**
   * Documents the location as its two query keys (`location[directory]`, `location[workspace]`)
   * rather than one deepObject parameter, as the reference documents its WebSocket route (a
   * WebSocket URL is written by hand, not by a generated client).
   */
  locationKeys?: boolean;
  /** Error answers besides 400 and 401, as `[status, tagged error DTO]`. */
  errors?: ReadonlyArray<readonly [number, Type]>;
  /** The route also takes WebSocket upgrades, admitted and served by this gateway. */
  webSocket?: Type<WebSocketGateway>;
}

/** The reference's `location` query parameter (deepObject: `location[directory]=...`). */
const LOCATION_QUERY = ApiQuery({
  name: 'location',
  required: false,
  style: 'deepObject',
  explode: true,
  schema: {
    type: 'object',
    properties: { directory: { type: 'string' }, workspace: { type: 'string' } },
    additionalProperties: false,
  },
});

/** The same, as the two keys a hand-written URL carries. */
const LOCATION_KEY_QUERIES = [LOCATION_DIRECTORY_KEY, LOCATION_WORKSPACE_KEY].map((name) =>
  ApiQuery({ name, required: false, type: String }),
);

/**
 * One decorator per v2 route with its whole contract: operation id, the `location` parameter and
 * its resolution, the success schema and the tagged error schemas (400 and 401 on every route,
 * as in the reference document).
 */
export function V2Endpoint(options: V2EndpointOptions): MethodDecorator {
  const { response } = options;
  const decorators: Array<ClassDecorator | MethodDecorator> = [
    ApiOperation({
      operationId: options.operationId,
      summary: options.summary,
      description: options.description,
    }),
    ApiTags(options.tag),
    HttpCode(response === 'none' ? 204 : 200),
    ...errorResponses([
      [400, InvalidRequestErrorDto],
      [401, UnauthorizedErrorDto],
      ...(options.errors ?? []),
    ]),
  ];
  if (options.location !== false) {
    decorators.push(
      ...(options.locationKeys ? LOCATION_KEY_QUERIES : [LOCATION_QUERY]),
      LocationScoped(options.webSocket && { webSocket: options.webSocket }),
    );
  }
  if (response === 'none') {
    decorators.push(ApiResponse({ status: 204, description: '<No Content>' }));
  } else if (typeof response === 'function') {
    decorators.push(ApiResponse({ status: 200, description: 'Success', type: response }));
  } else if ('located' in response) {
    const item = Array.isArray(response.located) ? response.located[0] : response.located;
    const ref: ReferenceObject = { $ref: getSchemaPath(item) };
    decorators.push(
      ApiExtraModels(LocationInfoDto, item),
      ApiResponse({
        status: 200,
        description: 'Success',
        schema: locatedSchema(
          Array.isArray(response.located) ? { type: 'array', items: ref } : ref,
        ),
      }),
    );
  } else if ('data' in response) {
    const item = Array.isArray(response.data) ? response.data[0] : response.data;
    const ref: ReferenceObject = { $ref: getSchemaPath(item) };
    decorators.push(
      ApiExtraModels(item),
      ApiResponse({
        status: 200,
        description: 'Success',
        schema: {
          type: 'object',
          properties: { data: Array.isArray(response.data) ? { type: 'array', items: ref } : ref },
          required: ['data'],
          additionalProperties: false,
        },
      }),
    );
  } else if ('eventStream' in response) {
    decorators.push(
      ApiExtraModels(response.eventStream),
      ApiResponse({
        status: 200,
        description: 'Server-sent events',
        content: { 'text/event-stream': { schema: eventStreamSchema(response.eventStream) } },
      }),
    );
  } else if ('schema' in response) {
    decorators.push(ApiResponse({ status: 200, description: 'Success', schema: response.schema }));
  } else {
    decorators.push(
      ApiResponse({
        status: 200,
        description: 'Success',
        content: { [response.binary]: { schema: { type: 'string', format: 'binary' } } },
      }),
    );
  }
  return applyDecorators(...decorators);
}

/**
 * One response per error status; a status several errors share answers any of them (`anyOf`),
 * as the reference documents `400` of a paged list (`InvalidCursorError` or `InvalidRequestError`).
 */
function errorResponses(errors: ReadonlyArray<readonly [number, Type]>): MethodDecorator[] {
  const byStatus = new Map<number, Type[]>();
  for (const [status, type] of errors) {
    const types = byStatus.get(status) ?? [];
    if (!types.includes(type)) types.push(type);
    byStatus.set(status, types);
  }
  return [...byStatus].flatMap(([status, types]) => {
    const names = types.map((type) => type.name.replace(/Dto$/, ''));
    return [
      ApiExtraModels(...types),
      ApiResponse(
        types.length === 1
          ? { status, description: names[0], type: types[0] }
          : {
              status,
              description: names.join(' | '),
              schema: { anyOf: types.map((type) => ({ $ref: getSchemaPath(type) })) },
            },
      ),
    ];
  });
}

/**
 * One frame of an event stream: an `id:` line (what `Last-Event-ID` names on a reconnect) and a
 * `data:` line holding the event as JSON.
 */
function eventStreamSchema(frame: Type): SchemaObject {
  return {
    type: 'object',
    properties: {
      id: { type: 'string' },
      data: {
        type: 'string',
        contentMediaType: 'application/json',
        contentSchema: { $ref: getSchemaPath(frame) },
      },
    },
    required: ['data'],
  } as SchemaObject;
}

/** `{ location: LocationInfo, data }`: the envelope of location-scoped answers. */
export function locatedSchema(data: SchemaObject | ReferenceObject): SchemaObject {
  return {
    type: 'object',
    properties: { location: { $ref: getSchemaPath(LocationInfoDto) }, data },
    required: ['location', 'data'],
    additionalProperties: false,
  };
}
