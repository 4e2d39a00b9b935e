import { Get } from '@nestjs/common';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { LocationInfoDto } from '../../core/http/v2/location.dto';
import { CurrentLocation } from '../../core/http/request-context';
import type { RequestLocation } from '../../core/http/v2/request-location';

@V2Controller('location')
export class LocationController {
  @Get()
  @V2Endpoint({
    operationId: 'v2.location.get',
    tag: 'opencode HttpApi',
    summary: 'Get location',
    description: 'Resolve the requested location or the server default location.',
    response: LocationInfoDto,
  })
  get(@CurrentLocation() location: RequestLocation): LocationInfoDto {
    return location.info;
  }
}
