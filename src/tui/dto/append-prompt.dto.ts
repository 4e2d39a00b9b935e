import { Field } from '../../core/http/field.decorators';

export class AppendPromptDto {
  @Field.string({ description: 'Text appended to the prompt of the terminal client' })
  text: string;
}
