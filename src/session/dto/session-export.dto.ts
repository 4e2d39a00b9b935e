import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { BadRequestError } from '../../core/errors/named-error';
import { ID_PREFIXES, idPattern, type IdKind } from '../../core/id';
import type { MessageInfo } from './message.dto';
import { MessageWithPartsDto } from './message-with-parts.dto';
import { SessionDto, type Session } from './session.dto';

/**
 * A session with all its messages, as `opencode export` prints it and `POST /session/import`
 * takes it: `info` as `GET /session/:id` answers, `messages` as `GET /session/:id/message`.
 */
@ApiSchema({ name: 'SessionExport' })
export class SessionExportDto {
  @ApiProperty({ type: SessionDto })
  info: Session;

  @ApiProperty({ type: [MessageWithPartsDto] })
  messages: MessageWithPartsDto[];
}

export type SessionExport = SessionExportDto;

/**
 * An import body read field by field. Parts are checked apart (strictly, by their DTOs); the
 * session info is rebuilt from its known fields (as the reference's decoder drops the others);
 * message infos keep every field, with their required ones checked.
 */
export interface SessionImport {
  /** `slug` and `version` are filled in by the importer when the export has none. */
  info: Omit<Session, 'projectID' | 'directory' | 'path' | 'slug' | 'version'> & {
    slug?: string;
    version?: string;
  };
  messages: { info: MessageInfo; parts: unknown[] }[];
}

type Fields = Record<string, unknown>;

/** Reads an import body, throwing a 400 that names the first bad field (`messages.2.info.id`). */
export function readSessionImport(body: unknown): SessionImport {
  const root = object(body, '');
  const info = readSessionInfo(object(root.info, 'info'));
  const messages = array(root.messages, 'messages').map((item, index) => {
    const field = `messages.${index}`;
    const message = object(item, field);
    return {
      info: readMessageInfo(object(message.info, `${field}.info`), `${field}.info`),
      parts: array(message.parts, `${field}.parts`),
    };
  });
  return { info, messages };
}

function readSessionInfo(info: Fields): SessionImport['info'] {
  const sessionID = id(info.id, 'session', 'info.id');
  const title = string(info.title, 'info.title');
  const time = object(info.time, 'info.time');
  return {
    id: sessionID,
    ...optionalEntry(info, 'slug', string),
    ...optionalEntry(info, 'workspaceID', (value, field) => id(value, 'workspace', field)),
    ...optionalEntry(info, 'parentID', (value, field) => id(value, 'session', field)),
    ...optionalEntry(info, 'summary', object),
    ...optionalEntry(info, 'cost', number),
    ...optionalEntry(info, 'tokens', object),
    ...optionalEntry(info, 'share', object),
    title,
    ...optionalEntry(info, 'agent', string),
    ...optionalEntry(info, 'model', object),
    ...optionalEntry(info, 'version', string),
    ...optionalEntry(info, 'metadata', object),
    time: {
      created: number(time.created, 'info.time.created'),
      updated: number(time.updated, 'info.time.updated'),
      ...optionalEntry(time, 'compacting', number, 'info.time'),
      ...optionalEntry(time, 'archived', number, 'info.time'),
    },
    ...optionalEntry(info, 'permission', array),
    ...optionalEntry(info, 'revert', (value, field) => {
      const revert = object(value, field);
      id(revert.messageID, 'message', `${field}.messageID`);
      optional(revert.partID, `${field}.partID`, (part, partField) => id(part, 'part', partField));
      return revert;
    }),
  };
}

function readMessageInfo(info: Fields, field: string): MessageInfo {
  id(info.id, 'message', `${field}.id`);
  const role = info.role;
  if (role !== 'user' && role !== 'assistant') {
    throw bad(`${field}.role`, 'must be one of the following values: user, assistant');
  }
  number(object(info.time, `${field}.time`).created, `${field}.time.created`);
  string(info.agent, `${field}.agent`);
  if (role === 'user') {
    const model = object(info.model, `${field}.model`);
    string(model.providerID, `${field}.model.providerID`);
    string(model.modelID, `${field}.model.modelID`);
  } else {
    id(info.parentID, 'message', `${field}.parentID`);
    for (const key of ['modelID', 'providerID', 'mode'] as const) {
      string(info[key], `${field}.${key}`);
    }
    object(info.path, `${field}.path`);
    number(info.cost, `${field}.cost`);
    object(info.tokens, `${field}.tokens`);
  }
  return info as unknown as MessageInfo;
}

function bad(field: string, message: string): BadRequestError {
  return new BadRequestError(field ? `${field} ${message}` : `body ${message}`, 'Body', field);
}

function object(value: unknown, field: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw bad(field, 'must be an object');
  }
  return value as Fields;
}

function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw bad(field, 'must be an array');
  return value;
}

function string(value: unknown, field: string): string {
  if (typeof value !== 'string') throw bad(field, 'must be a string');
  return value;
}

function number(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(field, 'must be a number');
  return value;
}

function id(value: unknown, kind: IdKind, field: string): string {
  if (typeof value !== 'string' || !idPattern(kind).test(value)) {
    throw bad(field, `must be an id starting with ${ID_PREFIXES[kind]}_`);
  }
  return value;
}

function optional<T>(
  value: unknown,
  field: string,
  read: (value: unknown, field: string) => T,
): T | undefined {
  return value === undefined ? undefined : read(value, field);
}

/** `{ key: value }` when `fields[key]` is present (and valid), else nothing to spread. */
function optionalEntry<T>(
  fields: Fields,
  key: string,
  read: (value: unknown, field: string) => T,
  parent = 'info',
): Record<string, T> {
  const value = optional(fields[key], `${parent}.${key}`, read);
  return value === undefined ? {} : { [key]: value };
}
