import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ProviderRequestDto } from '../../../provider/dto/model-ref.dto';

export const MODEL_STATUSES = ['alpha', 'beta', 'deprecated', 'active'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** How a provider is called: an AI SDK package and, when not the package's default, a base URL. */
@ApiSchema({ name: 'ProviderAISDK' })
export class ProviderApiDto {
  @ApiProperty({ enum: ['aisdk'] })
  type: 'aisdk';

  @ApiProperty({ description: 'The AI SDK package (`@ai-sdk/anthropic`)' })
  package: string;

  @ApiPropertyOptional()
  url?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  settings?: Record<string, unknown>;
}

/** An active (usable) provider, as the reference's `ProviderV2.Info`. */
@ApiSchema({ name: 'ProviderV2Info' })
export class ProviderV2InfoDto {
  @ApiProperty()
  id: string;

  @ApiPropertyOptional({ description: 'The integration that authenticates it, when not `id`' })
  integrationID?: string;

  @ApiProperty()
  name: string;

  @ApiPropertyOptional()
  disabled?: boolean;

  @ApiProperty({ type: ProviderApiDto })
  api: ProviderApiDto;

  @ApiProperty({
    type: ProviderRequestDto,
    description: 'Provider options sent with every call; credentials are never included',
  })
  request: ProviderRequestDto;
}

/** How a model is called: its id at the provider, AI SDK package and base URL. */
@ApiSchema({ name: 'ModelApi' })
export class ModelApiDto {
  @ApiProperty({ description: "The provider's id for the model" })
  id: string;

  @ApiProperty({ enum: ['aisdk'] })
  type: 'aisdk';

  @ApiProperty()
  package: string;

  @ApiPropertyOptional()
  url?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  settings?: Record<string, unknown>;
}

@ApiSchema({ name: 'ModelCapabilities' })
export class ModelCapabilitiesDto {
  @ApiProperty({ description: 'Whether it calls tools' })
  tools: boolean;

  @ApiProperty({ type: [String], description: 'Input kinds: text, audio, image, video, pdf' })
  input: string[];

  @ApiProperty({ type: [String] })
  output: string[];
}

/** Headers and body fields sent with every call of the model (its provider options). */
@ApiSchema({ name: 'ModelV2Request' })
export class ModelRequestDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  headers: Record<string, string>;

  @ApiProperty({ type: 'object', additionalProperties: true })
  body: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'The variant used by default' })
  variant?: string;
}

/** A named set of options the model can be called with instead (`high`, `low`, ...). */
@ApiSchema({ name: 'ModelV2Variant' })
export class ModelVariantDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  headers: Record<string, string>;

  @ApiProperty({ type: 'object', additionalProperties: true })
  body: Record<string, unknown>;
}

/** USD per million tokens; a `tier` entry applies past that many tokens of context. */
@ApiSchema({ name: 'ModelCost' })
export class ModelCostDto {
  @ApiPropertyOptional({
    type: 'object',
    properties: { type: { type: 'string', enum: ['context'] }, size: { type: 'integer' } },
    required: ['type', 'size'],
  })
  tier?: { type: 'context'; size: number };

  @ApiProperty()
  input: number;

  @ApiProperty()
  output: number;

  @ApiProperty({
    type: 'object',
    properties: { read: { type: 'number' }, write: { type: 'number' } },
    required: ['read', 'write'],
  })
  cache: { read: number; write: number };
}

/** A model of an active provider, as the reference's `ModelV2.Info`. */
@ApiSchema({ name: 'ModelV2Info' })
export class ModelV2InfoDto {
  @ApiProperty()
  id: string;

  @ApiProperty()
  providerID: string;

  @ApiPropertyOptional()
  family?: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: ModelApiDto })
  api: ModelApiDto;

  @ApiProperty({ type: ModelCapabilitiesDto })
  capabilities: ModelCapabilitiesDto;

  @ApiProperty({ type: ModelRequestDto })
  request: ModelRequestDto;

  @ApiProperty({ type: [ModelVariantDto] })
  variants: ModelVariantDto[];

  @ApiProperty({
    type: 'object',
    properties: { released: { type: 'number', description: 'Epoch milliseconds; 0 if unknown' } },
    required: ['released'],
  })
  time: { released: number };

  @ApiProperty({ type: [ModelCostDto] })
  cost: ModelCostDto[];

  @ApiProperty({ enum: MODEL_STATUSES })
  status: ModelStatus;

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({
    type: 'object',
    properties: {
      context: { type: 'integer' },
      input: { type: 'integer' },
      output: { type: 'integer' },
    },
    required: ['context', 'output'],
  })
  limit: { context: number; input?: number; output: number };
}

/** `GET /api/provider/{providerID}` of a provider that is not active. */
@ApiSchema({ name: 'ProviderNotFoundError' })
export class ProviderNotFoundErrorDto {
  @ApiProperty({ enum: ['ProviderNotFoundError'] })
  _tag: 'ProviderNotFoundError';

  @ApiProperty()
  providerID: string;

  @ApiProperty()
  message: string;
}
