import { InstanceQueryDto } from '../../core/http/endpoint.decorator';
import { Field } from '../../core/http/field.decorators';

export class SessionDiffQueryDto extends InstanceQueryDto {
  @Field.id('message', {
    optional: true,
    description: "Only the changes of this message's turn; the whole session's when absent",
  })
  messageID?: string;
}
