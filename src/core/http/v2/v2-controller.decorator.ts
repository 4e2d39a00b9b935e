import { Controller } from '@nestjs/common';
import { isApiPath, V2_PREFIX } from './api-path';

export { isApiPath, V2_PREFIX };

/**
 * A controller of the `/api` (v2) routes, at `/api/<path>`. Its errors are in the v2 shape, as
 * every answer under `/api` (`ExceptionFilterByApi`). Its routes take no classic directory
 * (`?directory=` means nothing here); `@V2Endpoint` marks those that work in a location, which
 * the request-context hook resolves.
 */
export function V2Controller(path: string): ClassDecorator {
  return Controller(`${V2_PREFIX}/${path}`);
}
