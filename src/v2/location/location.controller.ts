import { Get } from '@nestjs/common';
import { V2Controller } from '../http/v2-controller.decorator';
import { V2Endpoint } from '../http/v2-endpoint.decorator';
import { LocationInfoDto } from './dto/location.dto';
import { CurrentLocation } from './location.interceptor';
import type { RequestLocation } from './request-location';

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
