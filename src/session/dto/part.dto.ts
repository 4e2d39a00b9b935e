import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ApiErrorDto, MessageTokensDto } from './message.dto';
import { ApiUnionSchema } from '../../core/http/named-schema';

// The parts of a message, every type of the reference's `Part` union. The agent loop builds them
// (they are its types too) and stores them unchanged; clients read them back.

/** The ids every part carries. */
export class PartBase {
  @ApiProperty({ pattern: '^prt' })
  id: string;

  @ApiProperty({ pattern: '^ses' })
  sessionID: string;

  @ApiProperty({ pattern: '^msg' })
  messageID: string;
}

@ApiSchema({ name: 'PartTime' })
export class PartTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  start: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  end?: number;
}

@ApiSchema({ name: 'TextPart' })
export class TextPartDto extends PartBase {
  @ApiProperty({ enum: ['text'] })
  type: 'text';

  @ApiProperty()
  text: string;

  @ApiPropertyOptional({ description: 'Added by the server, not typed by the user' })
  synthetic?: boolean;

  @ApiPropertyOptional({ description: 'Kept for display but not sent to the model' })
  ignored?: boolean;

  @ApiPropertyOptional({ type: PartTimeDto })
  time?: PartTimeDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  metadata?: Record<string, unknown>;
}

@ApiSchema({ name: 'SubtaskPartModel' })
export class SubtaskPartModelDto {
  @ApiProperty()
  providerID: string;

  @ApiProperty()
  modelID: string;
}

@ApiSchema({ name: 'SubtaskPart' })
export class SubtaskPartDto extends PartBase {
  @ApiProperty({ enum: ['subtask'] })
  type: 'subtask';

  @ApiProperty()
  prompt: string;

  @ApiProperty()
  description: string;

  @ApiProperty()
  agent: string;

  @ApiPropertyOptional({ type: SubtaskPartModelDto })
  model?: SubtaskPartModelDto;

  @ApiPropertyOptional()
  command?: string;
}

@ApiSchema({ name: 'ReasoningPart' })
export class ReasoningPartDto extends PartBase {
  @ApiProperty({ enum: ['reasoning'] })
  type: 'reasoning';

  @ApiProperty()
  text: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  metadata?: Record<string, unknown>;

  @ApiProperty({ type: PartTimeDto })
  time: PartTimeDto;
}

@ApiSchema({ name: 'FilePartSourceText' })
export class FilePartSourceTextDto {
  @ApiProperty()
  value: string;

  @ApiProperty()
  start: number;

  @ApiProperty()
  end: number;
}

@ApiSchema({ name: 'FileSource' })
export class FileSourceDto {
  @ApiProperty({ type: FilePartSourceTextDto })
  text: FilePartSourceTextDto;

  @ApiProperty({ enum: ['file'] })
  type: 'file';

  @ApiProperty()
  path: string;
}

@ApiSchema({ name: 'RangePosition' })
export class RangePositionDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  line: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  character: number;
}

@ApiSchema({ name: 'Range' })
export class RangeDto {
  @ApiProperty({ type: RangePositionDto })
  start: RangePositionDto;

  @ApiProperty({ type: RangePositionDto })
  end: RangePositionDto;
}

@ApiSchema({ name: 'SymbolSource' })
export class SymbolSourceDto {
  @ApiProperty({ type: FilePartSourceTextDto })
  text: FilePartSourceTextDto;

  @ApiProperty({ enum: ['symbol'] })
  type: 'symbol';

  @ApiProperty()
  path: string;

  @ApiProperty({ type: RangeDto })
  range: RangeDto;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'LSP SymbolKind' })
  kind: number;
}

@ApiSchema({ name: 'ResourceSource' })
export class ResourceSourceDto {
  @ApiProperty({ type: FilePartSourceTextDto })
  text: FilePartSourceTextDto;

  @ApiProperty({ enum: ['resource'] })
  type: 'resource';

  @ApiProperty({ description: 'The MCP client that serves the resource' })
  clientName: string;

  @ApiProperty()
  uri: string;
}

@ApiUnionSchema('FilePartSource', () => [FileSourceDto, SymbolSourceDto, ResourceSourceDto])
export class FilePartSourceSchema {}

export type FilePartSource = FileSourceDto | SymbolSourceDto | ResourceSourceDto;

@ApiSchema({ name: 'FilePart' })
export class FilePartDto extends PartBase {
  @ApiProperty({ enum: ['file'] })
  type: 'file';

  @ApiProperty()
  mime: string;

  @ApiPropertyOptional()
  filename?: string;

  @ApiProperty({ description: '`data:` or `file://` URL of the content' })
  url: string;

  @ApiPropertyOptional({ type: () => FilePartSourceSchema })
  source?: FilePartSource;
}

@ApiSchema({ name: 'ToolStatePending' })
export class ToolStatePendingDto {
  @ApiProperty({ enum: ['pending'] })
  status: 'pending';

  @ApiProperty({ type: 'object', additionalProperties: true })
  input: Record<string, unknown>;

  @ApiProperty({ description: 'The tool input as streamed so far' })
  raw: string;
}

@ApiSchema({ name: 'ToolStateRunningTime' })
export class ToolStateRunningTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  start: number;
}

@ApiSchema({ name: 'ToolStateRunning' })
export class ToolStateRunningDto {
  @ApiProperty({ enum: ['running'] })
  status: 'running';

  @ApiProperty({ type: 'object', additionalProperties: true })
  input: Record<string, unknown>;

  @ApiPropertyOptional()
  title?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  metadata?: Record<string, unknown>;

  @ApiProperty({ type: ToolStateRunningTimeDto })
  time: ToolStateRunningTimeDto;
}

@ApiSchema({ name: 'ToolStateCompletedTime' })
export class ToolStateCompletedTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  start: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  end: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'When the output was dropped from the context by compaction',
  })
  compacted?: number;
}

@ApiSchema({ name: 'ToolStateCompleted' })
export class ToolStateCompletedDto {
  @ApiProperty({ enum: ['completed'] })
  status: 'completed';

  @ApiProperty({ type: 'object', additionalProperties: true })
  input: Record<string, unknown>;

  @ApiProperty()
  output: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  metadata: Record<string, unknown>;

  @ApiProperty({ type: ToolStateCompletedTimeDto })
  time: ToolStateCompletedTimeDto;

  @ApiPropertyOptional({ type: () => [FilePartDto] })
  attachments?: FilePartDto[];
}

@ApiSchema({ name: 'ToolStateErrorTime' })
export class ToolStateErrorTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  start: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  end: number;
}

@ApiSchema({ name: 'ToolStateError' })
export class ToolStateErrorDto {
  @ApiProperty({ enum: ['error'] })
  status: 'error';

  @ApiProperty({ type: 'object', additionalProperties: true })
  input: Record<string, unknown>;

  @ApiProperty()
  error: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  metadata?: Record<string, unknown>;

  @ApiProperty({ type: ToolStateErrorTimeDto })
  time: ToolStateErrorTimeDto;
}

@ApiUnionSchema('ToolState', () => [
  ToolStatePendingDto,
  ToolStateRunningDto,
  ToolStateCompletedDto,
  ToolStateErrorDto,
])
export class ToolStateSchema {}

export type ToolState =
  ToolStatePendingDto | ToolStateRunningDto | ToolStateCompletedDto | ToolStateErrorDto;

@ApiSchema({ name: 'ToolPart' })
export class ToolPartDto extends PartBase {
  @ApiProperty({ enum: ['tool'] })
  type: 'tool';

  @ApiProperty({ description: "The model's id of the tool call" })
  callID: string;

  @ApiProperty()
  tool: string;

  @ApiProperty({ type: () => ToolStateSchema })
  state: ToolState;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  metadata?: Record<string, unknown>;
}

@ApiSchema({ name: 'StepStartPart' })
export class StepStartPartDto extends PartBase {
  @ApiProperty({ enum: ['step-start'] })
  type: 'step-start';

  @ApiPropertyOptional({ description: 'Snapshot of the worktree when the step started' })
  snapshot?: string;
}

@ApiSchema({ name: 'StepFinishPart' })
export class StepFinishPartDto extends PartBase {
  @ApiProperty({ enum: ['step-finish'] })
  type: 'step-finish';

  @ApiProperty({ description: 'Finish reason of the model call (`stop`, `tool-calls`, ...)' })
  reason: string;

  @ApiPropertyOptional()
  snapshot?: string;

  @ApiProperty()
  cost: number;

  @ApiProperty({ type: MessageTokensDto })
  tokens: MessageTokensDto;
}

@ApiSchema({ name: 'SnapshotPart' })
export class SnapshotPartDto extends PartBase {
  @ApiProperty({ enum: ['snapshot'] })
  type: 'snapshot';

  @ApiProperty()
  snapshot: string;
}

@ApiSchema({ name: 'PatchPart' })
export class PatchPartDto extends PartBase {
  @ApiProperty({ enum: ['patch'] })
  type: 'patch';

  @ApiProperty({ description: 'Snapshot the files can be restored from' })
  hash: string;

  @ApiProperty({ type: [String] })
  files: string[];
}

@ApiSchema({ name: 'AgentPartSource' })
export class AgentPartSourceDto {
  @ApiProperty()
  value: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  start: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  end: number;
}

@ApiSchema({ name: 'AgentPart' })
export class AgentPartDto extends PartBase {
  @ApiProperty({ enum: ['agent'] })
  type: 'agent';

  @ApiProperty()
  name: string;

  @ApiPropertyOptional({ type: AgentPartSourceDto })
  source?: AgentPartSourceDto;
}

@ApiSchema({ name: 'RetryPartTime' })
export class RetryPartTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  created: number;
}

@ApiSchema({ name: 'RetryPart' })
export class RetryPartDto extends PartBase {
  @ApiProperty({ enum: ['retry'] })
  type: 'retry';

  @ApiProperty({ type: 'integer', minimum: 0 })
  attempt: number;

  @ApiProperty({ type: ApiErrorDto })
  error: ApiErrorDto;

  @ApiProperty({ type: RetryPartTimeDto })
  time: RetryPartTimeDto;
}

@ApiSchema({ name: 'CompactionPart' })
export class CompactionPartDto extends PartBase {
  @ApiProperty({ enum: ['compaction'] })
  type: 'compaction';

  @ApiProperty({ description: 'Started by the server (context full), not by the user' })
  auto: boolean;

  @ApiPropertyOptional()
  overflow?: boolean;

  @ApiPropertyOptional({ pattern: '^msg', description: 'First message kept after the summary' })
  tail_start_id?: string;
}

export const PART_TYPES = [
  TextPartDto,
  SubtaskPartDto,
  ReasoningPartDto,
  FilePartDto,
  ToolPartDto,
  StepStartPartDto,
  StepFinishPartDto,
  SnapshotPartDto,
  PatchPartDto,
  AgentPartDto,
  RetryPartDto,
  CompactionPartDto,
];

@ApiUnionSchema('Part', () => PART_TYPES)
export class PartSchema {}

/** Any part of a message, discriminated by `type`. */
export type Part =
  | TextPartDto
  | SubtaskPartDto
  | ReasoningPartDto
  | FilePartDto
  | ToolPartDto
  | StepStartPartDto
  | StepFinishPartDto
  | SnapshotPartDto
  | PatchPartDto
  | AgentPartDto
  | RetryPartDto
  | CompactionPartDto;

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
