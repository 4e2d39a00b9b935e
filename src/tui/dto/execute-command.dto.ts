import { Field } from '../../core/http/field.decorators';

export class ExecuteCommandDto {
  @Field.string({
    notEmpty: true,
    description:
      'A command name (`session.new`) or its short alias (`session_new`, `agent_cycle`, ...)',
  })
  command: string;
}
