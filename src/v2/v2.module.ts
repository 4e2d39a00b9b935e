import { Module } from '@nestjs/common';
import { HealthController } from './health/health.controller';
import { LocationController } from './location/location.controller';
import { LocationInterceptor } from './location/location.interceptor';

/**
 * The `/api/*` (v2) routes, one controller per area. Shared pieces for every v2 area (also those
 * in other modules): `@V2Controller` / `@V2Endpoint` (prefix, error shape, location parameter),
 * `LocationInterceptor` + `@CurrentLocation()` and `located()` for the `{ location, data }`
 * envelope, `TaggedError` for the v2 error shape.
 */
@Module({
  controllers: [HealthController, LocationController],
  providers: [LocationInterceptor],
  exports: [LocationInterceptor],
})
export class V2Module {}
