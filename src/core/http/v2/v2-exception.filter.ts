import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HttpExceptionFilter } from '../../errors/http-exception.filter';

export interface TaggedErrorBody {
  _tag: string;
  message: string;
  [field: string]: unknown;
}

/**
 * Classic error names (and tags) whose v2 counterpart has another tag: a bad request is the v2
 * `InvalidRequestError` (same `kind` / `field`), a path outside the location the v2 403
 * `ForbiddenError` (the reference's tag for a refused request; the path is in the message), and
 * so are a refused PTY ticket, tagged `PtyForbiddenError` on the classic routes, and a directory
 * outside `--allow-dir` (`ForbiddenDirectoryError`, its directory in the message).
 */
const V2_TAGS: Readonly<Record<string, string>> = {
  BadRequest: 'InvalidRequestError',
  ForbiddenPathError: 'ForbiddenError',
  PtyForbiddenError: 'ForbiddenError',
  ForbiddenDirectoryError: 'ForbiddenError',
};
/** Fields the v2 counterpart does not have (its schema allows none beyond `message`). */
const DROPPED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ForbiddenPathError: ['path'],
  ForbiddenDirectoryError: ['directory'],
};

/**
 * The error answers of the `/api` routes (applied by `@V2Controller`): every error is first
 * described by the global filter (tagged errors as they are, a classic area's named error with
 * its status, an unexpected one logged and hidden), then a `{ name, data }` body is moved into
 * the v2 shape `{ _tag, message, ...fields }`.
 */
@Catch()
export class V2ExceptionFilter implements ExceptionFilter {
  private readonly classic = new HttpExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.describe(exception);
    // A streamed answer that failed half-way can only be cut off.
    if (reply.sent) return;
    void reply.status(status).header('content-type', 'application/json').send(body);
  }

  describe(exception: unknown): { status: number; body: TaggedErrorBody } {
    const { status, body } = this.classic.describe(exception);
    if ('_tag' in body) return { status, body: { ...body, _tag: V2_TAGS[body._tag] ?? body._tag } };
    const { message, ...fields } = body.data as { message: string } & Record<string, unknown>;
    for (const field of DROPPED_FIELDS[body.name] ?? []) delete fields[field];
    return { status, body: { _tag: V2_TAGS[body.name] ?? body.name, message, ...fields } };
  }
}
