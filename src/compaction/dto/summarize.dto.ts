import { ApiSchema } from '@nestjs/swagger';
import { Field } from '../../core/http/field.decorators';

@ApiSchema({ name: 'SessionSummarizeInput' })
export class SummarizeBodyDto {
  @Field.string({ notEmpty: true, description: 'Provider of the model that writes the summary' })
  providerID: string;

  @Field.string({ notEmpty: true, description: 'Model that writes the summary' })
  modelID: string;

  @Field.boolean({
    optional: true,
    description: 'Started by the client on its own (context nearly full), not asked by the user',
  })
  auto?: boolean;
}
