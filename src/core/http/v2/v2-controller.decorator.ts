import { applyDecorators, Controller, UseFilters } from '@nestjs/common';
import { ServerScoped } from '../instance-context';
import { V2ExceptionFilter } from './v2-exception.filter';

/** The `/api` prefix of the v2 routes. */
export const V2_PREFIX = 'api';

/**
 * A controller of the `/api` (v2) routes, at `/api/<path>`: errors in the v2 shape, and the
 * classic per-directory interceptor kept out (a location-scoped handler gets its instance from
 * `LocationInterceptor`, which `@V2Endpoint` applies, since `?directory=` means nothing here).
 */
export function V2Controller(path: string): ClassDecorator {
  return applyDecorators(
    Controller(`${V2_PREFIX}/${path}`),
    ServerScoped(),
    UseFilters(V2ExceptionFilter),
  );
}
