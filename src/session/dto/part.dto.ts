import type { Type } from '@nestjs/common';
import { ApiSchema } from '@nestjs/swagger';
import { ApiErrorDto, MessageTokensDto } from './message.dto';
import { Field } from '../../core/http/field.decorators';
import { ApiUnionSchema } from '../../core/http/named-schema';

/** The instances of a union's member classes. */
type MemberOf<T extends Record<string, Type>> = InstanceType<T[keyof T]>;

/** A union's member classes by discriminator value, checked to match each class's `type`. */
function byType<T extends Record<string, Type>>(
  members: T & { [K in keyof T]: Type<{ type: K }> },
): T {
  return members;
}

// The parts of a message, every type of the reference's `Part` union. The agent loop builds them
// (they are its types too) and stores them unchanged; clients read them back, and send one back
// whole to `PATCH .../part/:partID`, which checks it with the validators beside each field.

/** The ids every part carries. */
export class PartBase {
  @Field.id('part')
  id: string;

  @Field.id('session')
  sessionID: string;

  @Field.id('message')
  messageID: string;
}

@ApiSchema({ name: 'PartTime' })
export class PartTimeDto {
  @Field.int({ min: 0 })
  start: number;

  @Field.int({ optional: true, min: 0 })
  end?: number;
}

@ApiSchema({ name: 'TextPart' })
export class TextPartDto extends PartBase {
  @Field.enum(['text'])
  type: 'text';

  @Field.string()
  text: string;

  @Field.boolean({ optional: true, description: 'Added by the server, not typed by the user' })
  synthetic?: boolean;

  @Field.boolean({ optional: true, description: 'Kept for display but not sent to the model' })
  ignored?: boolean;

  @Field.nested(PartTimeDto, { optional: true })
  time?: PartTimeDto;

  @Field.record({ optional: true })
  metadata?: Record<string, unknown>;
}

@ApiSchema({ name: 'SubtaskPartModel' })
export class SubtaskPartModelDto {
  @Field.string()
  providerID: string;

  @Field.string()
  modelID: string;
}

@ApiSchema({ name: 'SubtaskPart' })
export class SubtaskPartDto extends PartBase {
  @Field.enum(['subtask'])
  type: 'subtask';

  @Field.string()
  prompt: string;

  @Field.string()
  description: string;

  @Field.string()
  agent: string;

  @Field.nested(SubtaskPartModelDto, { optional: true })
  model?: SubtaskPartModelDto;

  @Field.string({ optional: true })
  command?: string;
}

@ApiSchema({ name: 'ReasoningPart' })
export class ReasoningPartDto extends PartBase {
  @Field.enum(['reasoning'])
  type: 'reasoning';

  @Field.string()
  text: string;

  @Field.record({ optional: true })
  metadata?: Record<string, unknown>;

  @Field.nested(PartTimeDto)
  time: PartTimeDto;
}

@ApiSchema({ name: 'FilePartSourceText' })
export class FilePartSourceTextDto {
  @Field.string()
  value: string;

  @Field.number()
  start: number;

  @Field.number()
  end: number;
}

@ApiSchema({ name: 'FileSource' })
export class FileSourceDto {
  @Field.nested(FilePartSourceTextDto)
  text: FilePartSourceTextDto;

  @Field.enum(['file'])
  type: 'file';

  @Field.string()
  path: string;
}

@ApiSchema({ name: 'RangePosition' })
export class RangePositionDto {
  @Field.int({ min: 0 })
  line: number;

  @Field.int({ min: 0 })
  character: number;
}

@ApiSchema({ name: 'Range' })
export class RangeDto {
  @Field.nested(RangePositionDto)
  start: RangePositionDto;

  @Field.nested(RangePositionDto)
  end: RangePositionDto;
}

@ApiSchema({ name: 'SymbolSource' })
export class SymbolSourceDto {
  @Field.nested(FilePartSourceTextDto)
  text: FilePartSourceTextDto;

  @Field.enum(['symbol'])
  type: 'symbol';

  @Field.string()
  path: string;

  @Field.nested(RangeDto)
  range: RangeDto;

  @Field.string()
  name: string;

  @Field.int({ min: 0, description: 'LSP SymbolKind' })
  kind: number;
}

@ApiSchema({ name: 'ResourceSource' })
export class ResourceSourceDto {
  @Field.nested(FilePartSourceTextDto)
  text: FilePartSourceTextDto;

  @Field.enum(['resource'])
  type: 'resource';

  @Field.string({ description: 'The MCP client that serves the resource' })
  clientName: string;

  @Field.string()
  uri: string;
}

/** The class of each file source `type`: the union's one list. */
const FILE_PART_SOURCE_BY_TYPE = byType({
  file: FileSourceDto,
  symbol: SymbolSourceDto,
  resource: ResourceSourceDto,
});

@ApiUnionSchema('FilePartSource', () => Object.values(FILE_PART_SOURCE_BY_TYPE))
export class FilePartSourceSchema {}

export type FilePartSource = MemberOf<typeof FILE_PART_SOURCE_BY_TYPE>;

@ApiSchema({ name: 'FilePart' })
export class FilePartDto extends PartBase {
  @Field.enum(['file'])
  type: 'file';

  @Field.string()
  mime: string;

  @Field.string({ optional: true })
  filename?: string;

  @Field.string({ description: '`data:` or `file://` URL of the content' })
  url: string;

  @Field.union({
    discriminator: 'type',
    members: FILE_PART_SOURCE_BY_TYPE,
    documentedAs: () => FilePartSourceSchema,
    optional: true,
  })
  source?: FilePartSource;
}

@ApiSchema({ name: 'ToolStatePending' })
export class ToolStatePendingDto {
  @Field.enum(['pending'])
  status: 'pending';

  @Field.record()
  input: Record<string, unknown>;

  @Field.string({ description: 'The tool input as streamed so far' })
  raw: string;
}

@ApiSchema({ name: 'ToolStateRunningTime' })
export class ToolStateRunningTimeDto {
  @Field.int({ min: 0 })
  start: number;
}

@ApiSchema({ name: 'ToolStateRunning' })
export class ToolStateRunningDto {
  @Field.enum(['running'])
  status: 'running';

  @Field.record()
  input: Record<string, unknown>;

  @Field.string({ optional: true })
  title?: string;

  @Field.record({ optional: true })
  metadata?: Record<string, unknown>;

  @Field.nested(ToolStateRunningTimeDto)
  time: ToolStateRunningTimeDto;
}

@ApiSchema({ name: 'ToolStateCompletedTime' })
export class ToolStateCompletedTimeDto {
  @Field.int({ min: 0 })
  start: number;

  @Field.int({ min: 0 })
  end: number;

  @Field.int({
    optional: true,
    min: 0,
    description: 'When the output was dropped from the context by compaction',
  })
  compacted?: number;
}

@ApiSchema({ name: 'ToolStateCompleted' })
export class ToolStateCompletedDto {
  @Field.enum(['completed'])
  status: 'completed';

  @Field.record()
  input: Record<string, unknown>;

  @Field.string()
  output: string;

  @Field.string()
  title: string;

  @Field.record()
  metadata: Record<string, unknown>;

  @Field.nested(ToolStateCompletedTimeDto)
  time: ToolStateCompletedTimeDto;

  @Field.nested(() => FilePartDto, { optional: true, each: true })
  attachments?: FilePartDto[];
}

@ApiSchema({ name: 'ToolStateErrorTime' })
export class ToolStateErrorTimeDto {
  @Field.int({ min: 0 })
  start: number;

  @Field.int({ min: 0 })
  end: number;
}

@ApiSchema({ name: 'ToolStateError' })
export class ToolStateErrorDto {
  @Field.enum(['error'])
  status: 'error';

  @Field.record()
  input: Record<string, unknown>;

  @Field.string()
  error: string;

  @Field.record({ optional: true })
  metadata?: Record<string, unknown>;

  @Field.nested(ToolStateErrorTimeDto)
  time: ToolStateErrorTimeDto;
}

/** The class of each tool state `status`: the union's one list. */
const TOOL_STATE_BY_STATUS = {
  pending: ToolStatePendingDto,
  running: ToolStateRunningDto,
  completed: ToolStateCompletedDto,
  error: ToolStateErrorDto,
};

@ApiUnionSchema('ToolState', () => Object.values(TOOL_STATE_BY_STATUS))
export class ToolStateSchema {}

export type ToolState = MemberOf<typeof TOOL_STATE_BY_STATUS>;

@ApiSchema({ name: 'ToolPart' })
export class ToolPartDto extends PartBase {
  @Field.enum(['tool'])
  type: 'tool';

  @Field.string({ description: "The model's id of the tool call" })
  callID: string;

  @Field.string()
  tool: string;

  @Field.union({
    discriminator: 'status',
    members: TOOL_STATE_BY_STATUS,
    documentedAs: () => ToolStateSchema,
  })
  state: ToolState;

  @Field.record({ optional: true })
  metadata?: Record<string, unknown>;
}

@ApiSchema({ name: 'StepStartPart' })
export class StepStartPartDto extends PartBase {
  @Field.enum(['step-start'])
  type: 'step-start';

  @Field.string({ optional: true, description: 'Snapshot of the worktree when the step started' })
  snapshot?: string;
}

@ApiSchema({ name: 'StepFinishPart' })
export class StepFinishPartDto extends PartBase {
  @Field.enum(['step-finish'])
  type: 'step-finish';

  @Field.string({ description: 'Finish reason of the model call (`stop`, `tool-calls`, ...)' })
  reason: string;

  @Field.string({ optional: true })
  snapshot?: string;

  @Field.number()
  cost: number;

  @Field.nested(MessageTokensDto)
  tokens: MessageTokensDto;
}

@ApiSchema({ name: 'SnapshotPart' })
export class SnapshotPartDto extends PartBase {
  @Field.enum(['snapshot'])
  type: 'snapshot';

  @Field.string()
  snapshot: string;
}

@ApiSchema({ name: 'PatchPart' })
export class PatchPartDto extends PartBase {
  @Field.enum(['patch'])
  type: 'patch';

  @Field.string({ description: 'Snapshot the files can be restored from' })
  hash: string;

  @Field.stringArray()
  files: string[];
}

@ApiSchema({ name: 'AgentPartSource' })
export class AgentPartSourceDto {
  @Field.string()
  value: string;

  @Field.int({ min: 0 })
  start: number;

  @Field.int({ min: 0 })
  end: number;
}

@ApiSchema({ name: 'AgentPart' })
export class AgentPartDto extends PartBase {
  @Field.enum(['agent'])
  type: 'agent';

  @Field.string()
  name: string;

  @Field.nested(AgentPartSourceDto, { optional: true })
  source?: AgentPartSourceDto;
}

@ApiSchema({ name: 'RetryPartTime' })
export class RetryPartTimeDto {
  @Field.int({ min: 0 })
  created: number;
}

@ApiSchema({ name: 'RetryPart' })
export class RetryPartDto extends PartBase {
  @Field.enum(['retry'])
  type: 'retry';

  @Field.int({ min: 0 })
  attempt: number;

  @Field.nested(ApiErrorDto)
  error: ApiErrorDto;

  @Field.nested(RetryPartTimeDto)
  time: RetryPartTimeDto;
}

@ApiSchema({ name: 'CompactionPart' })
export class CompactionPartDto extends PartBase {
  @Field.enum(['compaction'])
  type: 'compaction';

  @Field.boolean({ description: 'Started by the server (context full), not by the user' })
  auto: boolean;

  @Field.boolean({ optional: true })
  overflow?: boolean;

  @Field.id('message', { optional: true, description: 'First message kept after the summary' })
  tail_start_id?: string;
}

/**
 * The DTO of each part type: the one list the `Part` type, its union schema and the validation
 * of a part sent whole (`PATCH .../part/:partID`) all come from.
 */
export const PART_DTO_BY_TYPE = byType({
  text: TextPartDto,
  subtask: SubtaskPartDto,
  reasoning: ReasoningPartDto,
  file: FilePartDto,
  tool: ToolPartDto,
  'step-start': StepStartPartDto,
  'step-finish': StepFinishPartDto,
  snapshot: SnapshotPartDto,
  patch: PatchPartDto,
  agent: AgentPartDto,
  retry: RetryPartDto,
  compaction: CompactionPartDto,
});

export const PART_TYPES = Object.values(PART_DTO_BY_TYPE);

@ApiUnionSchema('Part', () => PART_TYPES)
export class PartSchema {}

/** Any part of a message, discriminated by `type`. */
export type Part = MemberOf<typeof PART_DTO_BY_TYPE>;

export type PartType = Part['type'];

export type TextPart = TextPartDto;
export type ReasoningPart = ReasoningPartDto;
export type FilePart = FilePartDto;
export type ToolPart = ToolPartDto;
export type StepStartPart = StepStartPartDto;
export type StepFinishPart = StepFinishPartDto;
export type SnapshotPart = SnapshotPartDto;
export type PatchPart = PatchPartDto;
export type AgentPart = AgentPartDto;
export type SubtaskPart = SubtaskPartDto;
export type RetryPart = RetryPartDto;
export type CompactionPart = CompactionPartDto;

export const PART_MODELS = [
  ...PART_TYPES,
  PartSchema,
  FileSourceDto,
  SymbolSourceDto,
  ResourceSourceDto,
  FilePartSourceSchema,
  ToolStatePendingDto,
  ToolStateRunningDto,
  ToolStateCompletedDto,
  ToolStateErrorDto,
  ToolStateSchema,
];
