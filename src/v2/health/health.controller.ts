import { Get } from '@nestjs/common';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';

/** `GET /api/health`: answering at all is the point; it touches no location and no storage. */
@V2Controller('health')
export class HealthController {
  @Get()
  @V2Endpoint({
    operationId: 'v2.health.get',
    tag: 'opencode HttpApi',
    summary: 'Check server health',
    description: 'Check whether the API server is ready to accept requests.',
    location: false,
    response: {
      schema: {
        type: 'object',
        properties: { healthy: { type: 'boolean', enum: [true] } },
        required: ['healthy'],
        additionalProperties: false,
      },
    },
  })
  get(): { healthy: true } {
    return { healthy: true };
  }
}
