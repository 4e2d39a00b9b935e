import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** A model named by provider and id, as `AgentV2Info.model` and v2 session bodies carry it. */
@ApiSchema({ name: 'ModelRef' })
export class ModelRefDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  providerID: string;

  @ApiPropertyOptional()
  variant?: string;
}

/** Extra HTTP headers and body fields sent with every model call of a provider, model or agent. */
@ApiSchema({ name: 'ProviderRequest' })
export class ProviderRequestDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  headers: Record<string, string>;

  @ApiProperty({ type: 'object', additionalProperties: true })
  body: Record<string, unknown>;
}
