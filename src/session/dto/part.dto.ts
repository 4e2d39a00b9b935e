import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiErrorDto, MessageTokensDto } from './message.dto';
import { ApiUnionSchema } from '../../core/http/named-schema';
import { IsEntityId } from '../../core/http/validators';

// The parts of a message, every type of the reference's `Part` union. The agent loop builds them
// (they are its types too) and stores them unchanged; clients read them back, and send one back
// whole to `PATCH .../part/:partID`, which checks it with the validators beside each field.

/** The ids every part carries. */
export class PartBase {
  @ApiProperty({ pattern: '^prt' })
  @IsEntityId('part')
  id: string;

  @ApiProperty({ pattern: '^ses' })
  @IsEntityId('session')
  sessionID: string;

  @ApiProperty({ pattern: '^msg' })
  @IsEntityId('message')
  messageID: string;
}

@ApiSchema({ name: 'PartTime' })
export class PartTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  start: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  end?: number;
}

@ApiSchema({ name: 'TextPart' })
export class TextPartDto extends PartBase {
  @ApiProperty({ enum: ['text'] })
  @IsIn(['text'])
  type: 'text';

  @ApiProperty()
  @IsString()
  text: string;

  @ApiPropertyOptional({ description: 'Added by the server, not typed by the user' })
  @IsOptional()
  @IsBoolean()
  synthetic?: boolean;

  @ApiPropertyOptional({ description: 'Kept for display but not sent to the model' })
  @IsOptional()
  @IsBoolean()
  ignored?: boolean;

  @ApiPropertyOptional({ type: PartTimeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PartTimeDto)
  time?: PartTimeDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

@ApiSchema({ name: 'SubtaskPartModel' })
export class SubtaskPartModelDto {
  @ApiProperty()
  @IsString()
  providerID: string;

  @ApiProperty()
  @IsString()
  modelID: string;
}

@ApiSchema({ name: 'SubtaskPart' })
export class SubtaskPartDto extends PartBase {
  @ApiProperty({ enum: ['subtask'] })
  @IsIn(['subtask'])
  type: 'subtask';

  @ApiProperty()
  @IsString()
  prompt: string;

  @ApiProperty()
  @IsString()
  description: string;

  @ApiProperty()
  @IsString()
  agent: string;

  @ApiPropertyOptional({ type: SubtaskPartModelDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SubtaskPartModelDto)
  model?: SubtaskPartModelDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  command?: string;
}

@ApiSchema({ name: 'ReasoningPart' })
export class ReasoningPartDto extends PartBase {
  @ApiProperty({ enum: ['reasoning'] })
  @IsIn(['reasoning'])
  type: 'reasoning';

  @ApiProperty()
  @IsString()
  text: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiProperty({ type: PartTimeDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PartTimeDto)
  time: PartTimeDto;
}

@ApiSchema({ name: 'FilePartSourceText' })
export class FilePartSourceTextDto {
  @ApiProperty()
  @IsString()
  value: string;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  start: number;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  end: number;
}

@ApiSchema({ name: 'FileSource' })
export class FileSourceDto {
  @ApiProperty({ type: FilePartSourceTextDto })
  @IsObject()
  @ValidateNested()
  @Type(() => FilePartSourceTextDto)
  text: FilePartSourceTextDto;

  @ApiProperty({ enum: ['file'] })
  @IsIn(['file'])
  type: 'file';

  @ApiProperty()
  @IsString()
  path: string;
}

@ApiSchema({ name: 'RangePosition' })
export class RangePositionDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  line: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  character: number;
}

@ApiSchema({ name: 'Range' })
export class RangeDto {
  @ApiProperty({ type: RangePositionDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RangePositionDto)
  start: RangePositionDto;

  @ApiProperty({ type: RangePositionDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RangePositionDto)
  end: RangePositionDto;
}

@ApiSchema({ name: 'SymbolSource' })
export class SymbolSourceDto {
  @ApiProperty({ type: FilePartSourceTextDto })
  @IsObject()
  @ValidateNested()
  @Type(() => FilePartSourceTextDto)
  text: FilePartSourceTextDto;

  @ApiProperty({ enum: ['symbol'] })
  @IsIn(['symbol'])
  type: 'symbol';

  @ApiProperty()
  @IsString()
  path: string;

  @ApiProperty({ type: RangeDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RangeDto)
  range: RangeDto;

  @ApiProperty()
  @IsString()
  name: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'LSP SymbolKind' })
  @IsInt()
  @Min(0)
  kind: number;
}

@ApiSchema({ name: 'ResourceSource' })
export class ResourceSourceDto {
  @ApiProperty({ type: FilePartSourceTextDto })
  @IsObject()
  @ValidateNested()
  @Type(() => FilePartSourceTextDto)
  text: FilePartSourceTextDto;

  @ApiProperty({ enum: ['resource'] })
  @IsIn(['resource'])
  type: 'resource';

  @ApiProperty({ description: 'The MCP client that serves the resource' })
  @IsString()
  clientName: string;

  @ApiProperty()
  @IsString()
  uri: string;
}

@ApiUnionSchema('FilePartSource', () => [FileSourceDto, SymbolSourceDto, ResourceSourceDto])
export class FilePartSourceSchema {}

export type FilePartSource = FileSourceDto | SymbolSourceDto | ResourceSourceDto;

const FILE_PART_SOURCE_TYPES = [
  { value: FileSourceDto, name: 'file' },
  { value: SymbolSourceDto, name: 'symbol' },
  { value: ResourceSourceDto, name: 'resource' },
];

/** Stands for a source whose `type` is none of the union's: it fails validation by name. */
class UnknownFilePartSource {
  @IsIn(FILE_PART_SOURCE_TYPES.map((entry) => entry.name))
  type: string;
}

@ApiSchema({ name: 'FilePart' })
export class FilePartDto extends PartBase {
  @ApiProperty({ enum: ['file'] })
  @IsIn(['file'])
  type: 'file';

  @ApiProperty()
  @IsString()
  mime: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  filename?: string;

  @ApiProperty({ description: '`data:` or `file://` URL of the content' })
  @IsString()
  url: string;

  @ApiPropertyOptional({ type: () => FilePartSourceSchema })
  @IsOptional()
  @ValidateNested()
  @Type(() => UnknownFilePartSource, {
    discriminator: { property: 'type', subTypes: FILE_PART_SOURCE_TYPES },
    keepDiscriminatorProperty: true,
  })
  source?: FilePartSource;
}

@ApiSchema({ name: 'ToolStatePending' })
export class ToolStatePendingDto {
  @ApiProperty({ enum: ['pending'] })
  @IsIn(['pending'])
  status: 'pending';

  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  input: Record<string, unknown>;

  @ApiProperty({ description: 'The tool input as streamed so far' })
  @IsString()
  raw: string;
}

@ApiSchema({ name: 'ToolStateRunningTime' })
export class ToolStateRunningTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  start: number;
}

@ApiSchema({ name: 'ToolStateRunning' })
export class ToolStateRunningDto {
  @ApiProperty({ enum: ['running'] })
  @IsIn(['running'])
  status: 'running';

  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  input: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  title?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiProperty({ type: ToolStateRunningTimeDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ToolStateRunningTimeDto)
  time: ToolStateRunningTimeDto;
}

@ApiSchema({ name: 'ToolStateCompletedTime' })
export class ToolStateCompletedTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  start: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  end: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    description: 'When the output was dropped from the context by compaction',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  compacted?: number;
}

@ApiSchema({ name: 'ToolStateCompleted' })
export class ToolStateCompletedDto {
  @ApiProperty({ enum: ['completed'] })
  @IsIn(['completed'])
  status: 'completed';

  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  input: Record<string, unknown>;

  @ApiProperty()
  @IsString()
  output: string;

  @ApiProperty()
  @IsString()
  title: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  metadata: Record<string, unknown>;

  @ApiProperty({ type: ToolStateCompletedTimeDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ToolStateCompletedTimeDto)
  time: ToolStateCompletedTimeDto;

  @ApiPropertyOptional({ type: () => [FilePartDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FilePartDto)
  attachments?: FilePartDto[];
}

@ApiSchema({ name: 'ToolStateErrorTime' })
export class ToolStateErrorTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  start: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  end: number;
}

@ApiSchema({ name: 'ToolStateError' })
export class ToolStateErrorDto {
  @ApiProperty({ enum: ['error'] })
  @IsIn(['error'])
  status: 'error';

  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  input: Record<string, unknown>;

  @ApiProperty()
  @IsString()
  error: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiProperty({ type: ToolStateErrorTimeDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ToolStateErrorTimeDto)
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

const TOOL_STATE_TYPES = [
  { value: ToolStatePendingDto, name: 'pending' },
  { value: ToolStateRunningDto, name: 'running' },
  { value: ToolStateCompletedDto, name: 'completed' },
  { value: ToolStateErrorDto, name: 'error' },
];

/** Stands for a tool state whose `status` is none of the union's: it fails validation by name. */
class UnknownToolState {
  @IsIn(TOOL_STATE_TYPES.map((entry) => entry.name))
  status: string;
}

@ApiSchema({ name: 'ToolPart' })
export class ToolPartDto extends PartBase {
  @ApiProperty({ enum: ['tool'] })
  @IsIn(['tool'])
  type: 'tool';

  @ApiProperty({ description: "The model's id of the tool call" })
  @IsString()
  callID: string;

  @ApiProperty()
  @IsString()
  tool: string;

  @ApiProperty({ type: () => ToolStateSchema })
  @IsObject()
  @ValidateNested()
  @Type(() => UnknownToolState, {
    discriminator: { property: 'status', subTypes: TOOL_STATE_TYPES },
    keepDiscriminatorProperty: true,
  })
  state: ToolState;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

@ApiSchema({ name: 'StepStartPart' })
export class StepStartPartDto extends PartBase {
  @ApiProperty({ enum: ['step-start'] })
  @IsIn(['step-start'])
  type: 'step-start';

  @ApiPropertyOptional({ description: 'Snapshot of the worktree when the step started' })
  @IsOptional()
  @IsString()
  snapshot?: string;
}

@ApiSchema({ name: 'StepFinishPart' })
export class StepFinishPartDto extends PartBase {
  @ApiProperty({ enum: ['step-finish'] })
  @IsIn(['step-finish'])
  type: 'step-finish';

  @ApiProperty({ description: 'Finish reason of the model call (`stop`, `tool-calls`, ...)' })
  @IsString()
  reason: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  snapshot?: string;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  cost: number;

  @ApiProperty({ type: MessageTokensDto })
  @IsObject()
  @ValidateNested()
  @Type(() => MessageTokensDto)
  tokens: MessageTokensDto;
}

@ApiSchema({ name: 'SnapshotPart' })
export class SnapshotPartDto extends PartBase {
  @ApiProperty({ enum: ['snapshot'] })
  @IsIn(['snapshot'])
  type: 'snapshot';

  @ApiProperty()
  @IsString()
  snapshot: string;
}

@ApiSchema({ name: 'PatchPart' })
export class PatchPartDto extends PartBase {
  @ApiProperty({ enum: ['patch'] })
  @IsIn(['patch'])
  type: 'patch';

  @ApiProperty({ description: 'Snapshot the files can be restored from' })
  @IsString()
  hash: string;

  @ApiProperty({ type: [String] })
  @IsArray()
  @IsString({ each: true })
  files: string[];
}

@ApiSchema({ name: 'AgentPartSource' })
export class AgentPartSourceDto {
  @ApiProperty()
  @IsString()
  value: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  start: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  end: number;
}

@ApiSchema({ name: 'AgentPart' })
export class AgentPartDto extends PartBase {
  @ApiProperty({ enum: ['agent'] })
  @IsIn(['agent'])
  type: 'agent';

  @ApiProperty()
  @IsString()
  name: string;

  @ApiPropertyOptional({ type: AgentPartSourceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AgentPartSourceDto)
  source?: AgentPartSourceDto;
}

@ApiSchema({ name: 'RetryPartTime' })
export class RetryPartTimeDto {
  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  created: number;
}

@ApiSchema({ name: 'RetryPart' })
export class RetryPartDto extends PartBase {
  @ApiProperty({ enum: ['retry'] })
  @IsIn(['retry'])
  type: 'retry';

  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  attempt: number;

  @ApiProperty({ type: ApiErrorDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ApiErrorDto)
  error: ApiErrorDto;

  @ApiProperty({ type: RetryPartTimeDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RetryPartTimeDto)
  time: RetryPartTimeDto;
}

@ApiSchema({ name: 'CompactionPart' })
export class CompactionPartDto extends PartBase {
  @ApiProperty({ enum: ['compaction'] })
  @IsIn(['compaction'])
  type: 'compaction';

  @ApiProperty({ description: 'Started by the server (context full), not by the user' })
  @IsBoolean()
  auto: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  overflow?: boolean;

  @ApiPropertyOptional({ pattern: '^msg', description: 'First message kept after the summary' })
  @IsOptional()
  @IsEntityId('message')
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

/** The DTO of each part type, to validate a part sent whole (`PATCH .../part/:partID`). */
export const PART_DTO_BY_TYPE: Readonly<Record<PartType, (typeof PART_TYPES)[number]>> = {
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
};

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
