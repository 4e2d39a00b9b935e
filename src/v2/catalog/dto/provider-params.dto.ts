import { Field } from '../../../core/http/field.decorators';

export class ProviderParamsDto {
  @Field.string()
  providerID: string;
}
