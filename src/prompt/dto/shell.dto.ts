import { PickType } from '@nestjs/swagger';
import { Field } from '../../core/http/field.decorators';
import { PromptBodyDto } from './prompt-input.dto';

/** `POST /session/:id/shell`: a command the user runs in the session, without the model. */
export class ShellBodyDto extends PickType(PromptBodyDto, ['messageID', 'model'] as const) {
  @Field.string({ notEmpty: true })
  agent: string;

  @Field.string({ notEmpty: true })
  command: string;
}
