import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { AGENT_MODES, type AgentMode } from '../../../config/config.schema';
import { PERMISSION_ACTIONS, type PermissionAction } from '../../../permission/permission-rules';
import { ModelRefDto, ProviderRequestDto } from '../../../provider/dto/model-ref.dto';

/** One rule of an agent: `effect` for `action` on resources matching `resource` (last wins). */
@ApiSchema({ name: 'PermissionV2Rule' })
export class PermissionV2RuleDto {
  @ApiProperty({ description: 'The permission (tool) name, or a wildcard' })
  action: string;

  @ApiProperty({ description: 'A wildcard pattern of the resources it covers' })
  resource: string;

  @ApiProperty({ enum: PERMISSION_ACTIONS, enumName: 'PermissionV2Effect' })
  effect: PermissionAction;
}

/** An agent as the reference's `AgentV2.Info`. */
@ApiSchema({ name: 'AgentV2Info' })
export class AgentV2InfoDto {
  @ApiProperty({ description: 'The agent name' })
  id: string;

  @ApiPropertyOptional({ type: ModelRefDto, description: 'The model the agent is pinned to' })
  model?: ModelRefDto;

  @ApiProperty({
    type: ProviderRequestDto,
    description: 'Sent with its model calls: provider options, temperature, top_p',
  })
  request: ProviderRequestDto;

  @ApiPropertyOptional({ description: 'Its system prompt' })
  system?: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiProperty({ enum: AGENT_MODES })
  mode: AgentMode;

  @ApiProperty()
  hidden: boolean;

  @ApiPropertyOptional({
    description: 'Hex color (#RRGGBB) or a theme color (primary, secondary, accent, ...)',
  })
  color?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  steps?: number;

  @ApiProperty({ type: [PermissionV2RuleDto] })
  permissions: PermissionV2RuleDto[];
}
