import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiZodSchema } from '../../core/http/zod-schema';
import { idPattern, type IdKind } from '../../core/id';
import { PERMISSION_ACTIONS } from '../../permission/permission-rules';
import type { MessageInfo } from './message.dto';
import { MessageWithPartsDto } from './message-with-parts.dto';
import { SessionDto, type Session } from './session.dto';

/**
 * A session with all its messages, as `opencode export` prints it and `GET /session/:id/export`
 * answers: `info` as `GET /session/:id` answers, `messages` as `GET /session/:id/message`.
 */
@ApiSchema({ name: 'SessionExport' })
export class SessionExportDto {
  @ApiProperty({ type: SessionDto })
  info: Session;

  @ApiProperty({ type: [MessageWithPartsDto] })
  messages: MessageWithPartsDto[];
}

export type SessionExport = SessionExportDto;

/*
 * What `POST /session/import` takes: an export, checked field by field against the shapes the
 * server writes (those of the documented `Session` and `Message` components), as the reference
 * decodes the file of `opencode import`. Unknown fields are dropped, as its decoder does.
 * Validated and documented from these zod schemas (`ZodBodyPipe`, `ApiZodSchema`), so /doc says
 * exactly what is checked. Parts are left to the `Part` DTOs (strict, as `part.update`), which
 * name the field in the import (`messages.3.parts.1.text`).
 */

const id = (kind: IdKind) => z.string().regex(idPattern(kind), `must be a ${kind} id`);
const time = () => z.int().min(0);

const FileDiff = z.object({
  file: z.string().optional(),
  patch: z.string().optional(),
  additions: z.number(),
  deletions: z.number(),
  status: z.enum(['added', 'deleted', 'modified']).optional(),
});

const Tokens = z.object({
  input: z.number(),
  output: z.number(),
  reasoning: z.number(),
  cache: z.object({ read: z.number(), write: z.number() }),
});

const ImportedSession = z.object({
  id: id('session'),
  slug: z.string().optional(),
  // Replaced by the request's project; checked as they are documented all the same.
  projectID: z.string().optional(),
  workspaceID: id('workspace').optional(),
  directory: z.string().optional(),
  path: z.string().optional(),
  parentID: id('session').optional(),
  summary: z
    .object({
      additions: z.number(),
      deletions: z.number(),
      files: z.number(),
      diffs: z.array(FileDiff).optional(),
    })
    .optional(),
  cost: z.number().optional(),
  tokens: Tokens.optional(),
  share: z.object({ url: z.string() }).optional(),
  title: z.string(),
  agent: z.string().optional(),
  model: z
    .object({
      id: z.string().min(1),
      providerID: z.string().min(1),
      variant: z.string().optional(),
    })
    .optional(),
  version: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  time: z.object({
    created: time(),
    updated: time(),
    compacting: time().optional(),
    archived: z.number().optional(),
  }),
  permission: z
    .array(
      z.object({
        permission: z.string().min(1),
        pattern: z.string(),
        action: z.enum(PERMISSION_ACTIONS),
      }),
    )
    .optional(),
  revert: z
    .object({
      messageID: id('message'),
      partID: id('part').optional(),
      snapshot: z.string().optional(),
      diff: z.string().optional(),
    })
    .optional(),
});

const ImportedUserMessage = z.object({
  id: id('message'),
  sessionID: id('session'),
  role: z.literal('user'),
  time: z.object({ created: z.number().min(0) }),
  format: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('text') }),
      z.object({
        type: z.literal('json_schema'),
        schema: z.record(z.string(), z.unknown()),
        retryCount: z.int().min(0).optional(),
      }),
    ])
    .optional(),
  summary: z
    .object({ title: z.string().optional(), body: z.string().optional(), diffs: z.array(FileDiff) })
    .optional(),
  agent: z.string(),
  model: z.object({
    providerID: z.string(),
    modelID: z.string(),
    variant: z.string().optional(),
  }),
  system: z.string().optional(),
  tools: z.record(z.string(), z.boolean()).optional(),
});

const ImportedAssistantMessage = z.object({
  id: id('message'),
  sessionID: id('session'),
  role: z.literal('assistant'),
  time: z.object({ created: time(), completed: time().optional() }),
  // One of the documented errors: `{ name, data }`, kept as it is.
  error: z.object({ name: z.string(), data: z.record(z.string(), z.unknown()) }).optional(),
  parentID: id('message'),
  modelID: z.string(),
  providerID: z.string(),
  mode: z.string(),
  agent: z.string(),
  path: z.object({ cwd: z.string(), root: z.string() }),
  summary: z.boolean().optional(),
  cost: z.number(),
  tokens: Tokens.extend({ total: z.number().optional() }),
  structured: z.unknown().optional(),
  variant: z.string().optional(),
  finish: z.string().optional(),
});

/** Parts are checked by their DTOs afterwards; here they only have to be a list. */
const ImportedPart = z.unknown();

export const SessionImportSchema = z.object({
  info: ImportedSession,
  messages: z.array(
    z.object({
      info: z.discriminatedUnion('role', [ImportedUserMessage, ImportedAssistantMessage]),
      parts: z.array(ImportedPart),
    }),
  ),
});

/** The body of `POST /session/import` as validated. */
export interface SessionImport {
  info: z.output<typeof ImportedSession>;
  messages: { info: MessageInfo; parts: unknown[] }[];
}

@ApiZodSchema('SessionImport', SessionImportSchema, new Map([[ImportedPart, 'Part']]))
export class SessionImportSchemaDto {}
