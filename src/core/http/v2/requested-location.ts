import { isAbsolute, resolve } from 'node:path';
import { DIRECTORY_HEADER } from '../request-context';
import { BadRequestError, type BadRequestKind } from '../../errors/named-error';
import { ID_PREFIXES } from '../../id';

export const WORKSPACE_HEADER = 'x-opencode-workspace';
/**
 * The query keys of the reference's `location` parameter (OpenAPI `deepObject` style). Fastify's
 * default query parser does not nest, so they arrive under these literal names.
 */
export const LOCATION_DIRECTORY_KEY = 'location[directory]';
export const LOCATION_WORKSPACE_KEY = 'location[workspace]';

/** What a `/api` request asked for, before the directory is checked and its instance found. */
export interface RequestedLocation {
  /** Absolute; not yet known to exist. */
  directory: string;
  workspaceID?: string;
  /** Where the directory came from, so a refusal can name the field the client sent. */
  directorySource: { kind: BadRequestKind; field: string } | undefined;
}

type Query = Record<string, unknown> | undefined;
type Headers = Record<string, string | string[] | undefined>;

/**
 * Reads the location of a `/api` request as the reference does: `location[directory]` /
 * `location[workspace]` in the query win over the `x-opencode-directory` (URI-encoded) /
 * `x-opencode-workspace` headers; without either, the server's own directory. Unlike the classic
 * routes, a bare `?directory=` selects nothing here (the SDK sends it alongside
 * `location[directory]`, always with the same value). A relative directory is taken from the
 * server's directory. Empty values count as absent, as in the reference.
 */
export function readRequestedLocation(
  query: Query,
  headers: Headers,
  defaultDirectory: string,
): RequestedLocation {
  const nested = asRecord(query?.location);
  const directoryQuery = queryValue(query, LOCATION_DIRECTORY_KEY, nested?.directory);
  const directoryHeader = headerValue(headers, DIRECTORY_HEADER);
  const workspaceQuery = queryValue(query, LOCATION_WORKSPACE_KEY, nested?.workspace);
  const workspace = workspaceQuery ?? headerValue(headers, WORKSPACE_HEADER);

  let directory = defaultDirectory;
  let directorySource: RequestedLocation['directorySource'];
  if (directoryQuery !== undefined) {
    directory = directoryQuery;
    directorySource = { kind: 'Query', field: LOCATION_DIRECTORY_KEY };
  } else if (directoryHeader !== undefined) {
    directory = safeDecode(directoryHeader);
    directorySource = { kind: 'Headers', field: DIRECTORY_HEADER };
  }
  if (directory.includes('\0') && directorySource) {
    throw new BadRequestError(
      `${directorySource.field} is not a valid path`,
      directorySource.kind,
      directorySource.field,
    );
  }
  // The reference's `Workspace.ID` schema: a workspace id starts with `wrk`. It answers a 500
  // for anything else; this is the client's mistake, so a 400 naming the field.
  if (workspace !== undefined && !workspace.startsWith(ID_PREFIXES.workspace)) {
    const [kind, field]: [BadRequestKind, string] =
      workspaceQuery !== undefined
        ? ['Query', LOCATION_WORKSPACE_KEY]
        : ['Headers', WORKSPACE_HEADER];
    throw new BadRequestError(
      `Invalid workspace ID: must start with "${ID_PREFIXES.workspace}"`,
      kind,
      field,
    );
  }
  return {
    directory: isAbsolute(directory) ? resolve(directory) : resolve(defaultDirectory, directory),
    ...(workspace !== undefined && { workspaceID: workspace }),
    directorySource,
  };
}

/**
 * One query value: the flat `location[...]` key, or the nested form a query parser that does
 * nest would produce. A repeated key is refused rather than guessed at.
 */
function queryValue(query: Query, key: string, nested: unknown): string | undefined {
  const value = query?.[key] ?? nested;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new BadRequestError(`${key} must be a single string`, 'Query', key);
  }
  return value;
}

function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The SDK URI-encodes the header; a value that is not valid encoding is taken as it is. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
