import { Field } from '../../core/http/field.decorators';
import { FilePartInputDto } from './prompt-input.dto';

export class CommandBodyDto {
  @Field.id('message', { optional: true })
  messageID?: string;

  @Field.string({ optional: true, notEmpty: true })
  agent?: string;

  @Field.string({
    optional: true,
    pattern: /^[^/\s]+\/\S+$/,
    patternMessage: 'model must look like provider/model',
    description: '`provider/model`',
  })
  model?: string;

  @Field.string({ description: 'The arguments after the command name' })
  arguments: string;

  @Field.string({ notEmpty: true, description: 'The command name, without the slash' })
  command: string;

  @Field.string({ optional: true })
  variant?: string;

  @Field.nested(FilePartInputDto, { optional: true, each: true })
  parts?: FilePartInputDto[];
}

export class InitBodyDto {
  @Field.string({ notEmpty: true })
  modelID: string;

  @Field.string({ notEmpty: true })
  providerID: string;

  @Field.id('message')
  messageID: string;
}
