import { ApiExtraModels, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../core/http/field.decorators';
import { AgentPartSourceDto, PartTimeDto } from '../../session/dto/part.dto';

export class ModelRefDto {
  @Field.string({ notEmpty: true })
  providerID: string;

  @Field.string({ notEmpty: true })
  modelID: string;
}

/** The fields every input part shares; `type` picks the concrete class. */
abstract class PartInputBase {
  @Field.id('part', { optional: true })
  id?: string;

  abstract type: string;
}

@ApiSchema({ name: 'TextPartInput' })
export class TextPartInputDto extends PartInputBase {
  @Field.enum(['text'])
  type: 'text';

  @Field.string()
  text: string;

  @Field.boolean({ optional: true })
  synthetic?: boolean;

  @Field.boolean({ optional: true })
  ignored?: boolean;

  @Field.nested(PartTimeDto, { optional: true })
  time?: PartTimeDto;

  @Field.record({ optional: true })
  metadata?: Record<string, unknown>;
}

@ApiSchema({ name: 'FilePartInput' })
export class FilePartInputDto extends PartInputBase {
  @Field.enum(['file'])
  type: 'file';

  @Field.string({ notEmpty: true })
  mime: string;

  @Field.string({ optional: true })
  filename?: string;

  @Field.string({ notEmpty: true, description: 'A file:// URL inside the project, or a data: URL' })
  url: string;

  @Field.record({ optional: true, description: 'FilePartSource' })
  source?: Record<string, unknown>;
}

@ApiSchema({ name: 'AgentPartInput' })
export class AgentPartInputDto extends PartInputBase {
  @Field.enum(['agent'])
  type: 'agent';

  @Field.string({ notEmpty: true })
  name: string;

  @Field.nested(AgentPartSourceDto, { optional: true })
  source?: AgentPartSourceDto;
}

@ApiSchema({ name: 'SubtaskPartInput' })
export class SubtaskPartInputDto extends PartInputBase {
  @Field.enum(['subtask'])
  type: 'subtask';

  @Field.string({ notEmpty: true })
  prompt: string;

  @Field.string()
  description: string;

  @Field.string({ notEmpty: true })
  agent: string;

  @Field.nested(ModelRefDto, { optional: true })
  model?: ModelRefDto;

  @Field.string({ optional: true })
  command?: string;
}

/** The class of each input part `type`: the one list the union and its validation come from. */
const PART_INPUT_BY_TYPE = {
  text: TextPartInputDto,
  file: FilePartInputDto,
  agent: AgentPartInputDto,
  subtask: SubtaskPartInputDto,
};

export type PartInput = InstanceType<(typeof PART_INPUT_BY_TYPE)[keyof typeof PART_INPUT_BY_TYPE]>;

@ApiExtraModels(...Object.values(PART_INPUT_BY_TYPE))
export class PromptBodyDto {
  @Field.id('message', { optional: true })
  messageID?: string;

  @Field.nested(ModelRefDto, { optional: true })
  model?: ModelRefDto;

  @Field.string({ optional: true, notEmpty: true })
  agent?: string;

  @Field.boolean({ optional: true, description: 'Store the message without asking the model' })
  noReply?: boolean;

  // Documented only: the values are not checked (as before).
  @Field.record({ optional: true, values: { type: 'boolean' } })
  tools?: Record<string, boolean>;

  @Field.string({ optional: true, description: 'Extra system prompt for this message' })
  system?: string;

  @Field.string({ optional: true })
  variant?: string;

  @Field.record({ optional: true, description: 'OutputFormat' })
  format?: Record<string, unknown>;

  @Field.union({
    discriminator: 'type',
    members: PART_INPUT_BY_TYPE,
    each: true,
    minItems: 1,
    unknownMessage: 'type must be one of: text, file, agent, subtask',
  })
  parts: PartInput[];
}
