import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { AGENT_MODES, type AgentMode } from '../../config/config.schema';
import { PermissionRuleDto } from '../../session/dto/session.dto';
import type { AgentInfo } from '../agent.types';

/** Response-only: built by `AgentService`, documented here. */
@ApiSchema({ name: 'Agent' })
export class AgentDto implements AgentInfo {
  @ApiProperty()
  name: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiProperty({ enum: AGENT_MODES })
  mode: AgentMode;

  @ApiPropertyOptional({ description: 'Built into the server' })
  native?: boolean;

  @ApiPropertyOptional()
  hidden?: boolean;

  @ApiPropertyOptional({ type: 'number' })
  topP?: number;

  @ApiPropertyOptional({ type: 'number' })
  temperature?: number;

  @ApiPropertyOptional()
  color?: string;

  @ApiProperty({
    type: [PermissionRuleDto],
    description: 'Rules in order; the last matching rule decides',
  })
  permission: PermissionRuleDto[];

  @ApiPropertyOptional({
    type: 'object',
    properties: { modelID: { type: 'string' }, providerID: { type: 'string' } },
    required: ['modelID', 'providerID'],
    additionalProperties: false,
  })
  model?: { providerID: string; modelID: string };

  @ApiPropertyOptional()
  variant?: string;

  @ApiPropertyOptional()
  prompt?: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  options: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'number' })
  steps?: number;
}
