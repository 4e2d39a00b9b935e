import { IsEntityId } from '../../core/http/validators';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';

export class ModelRefDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  providerID: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  modelID: string;
}

class PartTimeDto {
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

/** The fields every input part shares; `type` picks the concrete class. */
abstract class PartInputBase {
  @ApiPropertyOptional({ pattern: '^prt' })
  @IsOptional()
  @IsEntityId('part')
  id?: string;

  abstract type: string;
}

@ApiSchema({ name: 'TextPartInput' })
export class TextPartInputDto extends PartInputBase {
  @ApiProperty({ enum: ['text'] })
  @IsIn(['text'])
  type: 'text';

  @ApiProperty()
  @IsString()
  text: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  synthetic?: boolean;

  @ApiPropertyOptional()
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

@ApiSchema({ name: 'FilePartInput' })
export class FilePartInputDto extends PartInputBase {
  @ApiProperty({ enum: ['file'] })
  @IsIn(['file'])
  type: 'file';

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  mime: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  filename?: string;

  @ApiProperty({ description: 'A file:// URL inside the project, or a data: URL' })
  @IsString()
  @IsNotEmpty()
  url: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'FilePartSource',
  })
  @IsOptional()
  @IsObject()
  source?: Record<string, unknown>;
}

class AgentPartSourceDto {
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

@ApiSchema({ name: 'AgentPartInput' })
export class AgentPartInputDto extends PartInputBase {
  @ApiProperty({ enum: ['agent'] })
  @IsIn(['agent'])
  type: 'agent';

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  name: string;

  @ApiPropertyOptional({ type: AgentPartSourceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AgentPartSourceDto)
  source?: AgentPartSourceDto;
}

@ApiSchema({ name: 'SubtaskPartInput' })
export class SubtaskPartInputDto extends PartInputBase {
  @ApiProperty({ enum: ['subtask'] })
  @IsIn(['subtask'])
  type: 'subtask';

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  prompt: string;

  @ApiProperty()
  @IsString()
  description: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  agent: string;

  @ApiPropertyOptional({ type: ModelRefDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ModelRefDto)
  model?: ModelRefDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  command?: string;
}

export type PartInput =
  TextPartInputDto | FilePartInputDto | AgentPartInputDto | SubtaskPartInputDto;

const PART_INPUT_TYPES = [
  { value: TextPartInputDto, name: 'text' },
  { value: FilePartInputDto, name: 'file' },
  { value: AgentPartInputDto, name: 'agent' },
  { value: SubtaskPartInputDto, name: 'subtask' },
];

/** Placeholder class for parts whose `type` is none of the four: it fails validation by name. */
class UnknownPartInputDto {
  @IsIn(PART_INPUT_TYPES.map((entry) => entry.name), {
    message: 'type must be one of: text, file, agent, subtask',
  })
  type: string;
}

@ApiExtraModels(TextPartInputDto, FilePartInputDto, AgentPartInputDto, SubtaskPartInputDto)
export class PromptBodyDto {
  @ApiPropertyOptional({ pattern: '^msg' })
  @IsOptional()
  @IsEntityId('message')
  messageID?: string;

  @ApiPropertyOptional({ type: ModelRefDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ModelRefDto)
  model?: ModelRefDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  agent?: string;

  @ApiPropertyOptional({ description: 'Store the message without asking the model' })
  @IsOptional()
  @IsBoolean()
  noReply?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'boolean' } })
  @IsOptional()
  @IsObject()
  tools?: Record<string, boolean>;

  @ApiPropertyOptional({ description: 'Extra system prompt for this message' })
  @IsOptional()
  @IsString()
  system?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  variant?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'OutputFormat' })
  @IsOptional()
  @IsObject()
  format?: Record<string, unknown>;

  @ApiProperty({
    type: 'array',
    items: {
      anyOf: [
        { $ref: getSchemaPath(TextPartInputDto) },
        { $ref: getSchemaPath(FilePartInputDto) },
        { $ref: getSchemaPath(AgentPartInputDto) },
        { $ref: getSchemaPath(SubtaskPartInputDto) },
      ],
    },
  })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => UnknownPartInputDto, {
    discriminator: { property: 'type', subTypes: PART_INPUT_TYPES },
    keepDiscriminatorProperty: true,
  })
  parts: PartInput[];
}
