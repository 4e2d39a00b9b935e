import { applyDecorators, Controller, UseFilters } from '@nestjs/common';
import { V2ExceptionFilter } from './v2-exception.filter';

/** The `/api` prefix of the v2 routes. */
export const V2_PREFIX = 'api';

/**
 * A controller of the `/api` (v2) routes, at `/api/<path>`: errors in the v2 shape. Its routes
 * take no classic directory (`?directory=` means nothing here); `@V2Endpoint` marks those that
 * work in a location, which the request-context hook resolves.
 */
export function V2Controller(path: string): ClassDecorator {
  return applyDecorators(Controller(`${V2_PREFIX}/${path}`), UseFilters(V2ExceptionFilter));
}
