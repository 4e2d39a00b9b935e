import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  OperationObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { documentedBusEvents } from '../bus/bus-event';
import { BadRequestErrorDto, ForbiddenPathErrorDto, NotFoundErrorDto } from '../errors/error.dto';

/**
 * The reference's description, then how access is controlled: none of it is in the reference,
 * whose server has only the password, so clients reading /doc learn it here.
 */
const API_DESCRIPTION = [
  'opencode api',
  '',
  '## Access control',
  '',
  'Every route, this document included, needs credentials once any are configured (CORS',
  'preflights excepted, and `GET`/`HEAD` `/share/{shareID}` and `/share/{shareID}/data`, where the',
  'share id is the credential):',
  '',
  '- `OPENCODE_SERVER_PASSWORD` (user `OPENCODE_SERVER_USERNAME`, default `opencode`):',
  '  `Authorization: Basic`.',
  '- `OPENCODE_SERVER_TOKENS` (comma-separated): `Authorization: Bearer <token>`.',
  '- Where no header can be set (EventSource, WebSocket): `?auth_token=` with the basic',
  '  credentials base64-encoded, or a token as it is.',
  '',
  'A request without valid credentials is answered `401` `UnauthorizedError` with a',
  '`WWW-Authenticate` challenge (`Basic`, or `Bearer` when only tokens are set). More than 20',
  'requests with wrong credentials from one address within 60 s block that address for 60 s:',
  '`429` `TooManyRequestsError` with `Retry-After` (seconds), valid credentials included.',
  '',
  '`serve --allow-dir <path>` (repeatable) and `OPENCODE_ALLOWED_DIRECTORIES` (`:`-separated)',
  'confine the server to projects inside those directories, symlinks resolved. A request for a',
  'directory outside (`?directory=`, `x-opencode-directory`, `location[directory]`, or the',
  "server's own directory when none is named) is answered `403` `ForbiddenDirectoryError`",
  '(`{ name, data: { message, directory } }`; on `/api` routes the tagged `ForbiddenError`). A',
  'session created in such a directory, and a project with no checkout inside the list, answer',
  '`404` as unknown ones and are left out of `GET /project` and `GET /experimental/session`;',
  '`/global/event` carries no events of such directories. `/global/health` is never refused for',
  'its directory.',
].join('\n');

/**
 * Builds the OpenAPI 3.1 document of every route, in the reference's terms: operation ids from
 * `@Endpoint`, one `Event` component listing every bus event, and 3.1 nullables.
 */
export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('opencode')
    .setDescription(API_DESCRIPTION)
    .setVersion(version)
    .setOpenAPIVersion('3.1.0')
    .addBasicAuth()
    .addBearerAuth()
    .build();
  const events = [...documentedBusEvents()];
  const document = SwaggerModule.createDocument(app, config, {
    autoTagControllers: false,
    extraModels: [
      NotFoundErrorDto,
      BadRequestErrorDto,
      ForbiddenPathErrorDto,
      ...events.map(([, type]) => type),
    ],
    operationIdFactory: (controller, method) => `${controller}.${method}`,
  });
  const schemas = (document.components ??= {}).schemas ?? {};
  document.components.schemas = schemas;
  const eventRefs: SchemaObject[] = [];
  for (const [type, propertiesClass] of events) {
    const name = eventComponentName(type);
    schemas[name] = {
      type: 'object',
      properties: {
        id: { type: 'string', pattern: '^evt_' },
        type: { type: 'string', enum: [type] },
        // The component name honours `@ApiSchema({ name })` (`PermissionRequest`).
        properties: { $ref: getSchemaPath(propertiesClass) },
      },
      required: ['id', 'type', 'properties'],
    };
    eventRefs.push({ $ref: `#/components/schemas/${name}` } as SchemaObject);
  }
  schemas.Event = { anyOf: eventRefs };
  schemas.GlobalEvent = {
    type: 'object',
    properties: {
      directory: { type: 'string' },
      project: { type: 'string' },
      workspace: { type: 'string' },
      payload: { $ref: '#/components/schemas/Event' },
    },
    required: ['payload'],
  };
  documentWildcards(document);
  untypeUnionParameters(document);
  return toOpenApi31(document);
}

/**
 * A query parameter documented as a union (`roots`: a boolean or the text `true`/`false`) gets
 * the property's reflected `type` beside its `anyOf` from @nestjs/swagger, which would narrow the
 * union to that one type: the union alone is written.
 */
function untypeUnionParameters(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, OperationObject>)) {
      for (const parameter of operation.parameters ?? []) {
        const schema = 'schema' in parameter ? (parameter.schema as SchemaObject) : undefined;
        if (schema && (schema.anyOf || schema.oneOf)) delete schema.type;
      }
    }
  }
}

/**
 * @nestjs/swagger writes a route ending in a wildcard (`/api/fs/read/*`) as `.../{path}`, with no
 * such parameter: a trailing template variable that no operation declares is written back as the
 * `*` the router matches (and the reference documents).
 */
function documentWildcards(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    const trailing = /\{([^}]+)\}$/.exec(path);
    if (!trailing) continue;
    const operations = Object.values(item as Record<string, unknown>).filter(
      (value): value is OperationObject =>
        typeof value === 'object' && value !== null && 'responses' in value,
    );
    const declared = operations.some((operation) =>
      operation.parameters?.some(
        (parameter) =>
          'in' in parameter && parameter.in === 'path' && parameter.name === trailing[1],
      ),
    );
    if (declared) continue;
    document.paths[`${path.slice(0, trailing.index)}*`] = item;
    delete document.paths[path];
  }
}

/**
 * `session.created` → `EventSessionCreated`, `models-dev.refreshed` → `EventModels-devRefreshed`
 * (only dots separate words, as in the reference); the TUI events keep its dotted names.
 */
export function eventComponentName(type: string): string {
  if (type.startsWith('tui.')) return `Event.${type}`;
  return (
    'Event' +
    type
      .split('.')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join('')
  );
}

/**
 * @nestjs/swagger writes 3.0 schemas (`nullable: true`) even when told the version is 3.1, where
 * `nullable` is not a keyword: rewrite them as `type: [t, 'null']` or `anyOf [..., null]`.
 */
export function toOpenApi31<T>(node: T): T {
  if (Array.isArray(node)) return node.map((item: unknown) => toOpenApi31(item)) as T;
  if (typeof node !== 'object' || node === null) return node;
  const entries = Object.entries(node as Record<string, unknown>).map(
    ([key, value]) => [key, toOpenApi31(value)] as const,
  );
  const out = Object.fromEntries(entries) as Record<string, unknown>;
  if (out.nullable !== true) return out as T;
  delete out.nullable;
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] } as T;
  return { anyOf: [out, { type: 'null' }] } as T;
}
