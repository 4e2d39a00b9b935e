import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { BadRequestError, NamedError, NotFoundError } from './named-error';
import { TaggedError } from './tagged-error';

type ErrorBody = { name: string; data: { message: string } } | { _tag: string; message: string };

/**
 * The single place errors become HTTP responses: named and tagged errors keep their shape, Nest's
 * HTTP exceptions (unknown routes, validation) are put in the same shape, and anything else is a
 * 500 `UnknownError` whose details go to the log only, never to the client.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.describe(exception);
    if (reply.sent) return;
    void reply.status(status).header('content-type', 'application/json').send(body);
  }

  describe(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof NamedError) {
      return { status: exception.status, body: exception.toJSON() };
    }
    if (exception instanceof TaggedError) {
      return { status: exception.status, body: exception.toJSON() as ErrorBody };
    }
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    const clientError = asClientError(exception);
    if (clientError) return { status: clientError.status, body: clientError.error.toJSON() };
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : exception,
    );
    return {
      status: 500,
      body: { name: 'UnknownError', data: { message: 'Internal server error' } },
    };
  }

  private fromHttpException(exception: HttpException): { status: number; body: ErrorBody } {
    const status = exception.getStatus();
    if (status === 404) return { status, body: new NotFoundError(exception.message).toJSON() };
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? flattenMessage(response.message)
        : exception.message;
    if (status === 400) return { status, body: new BadRequestError(message).toJSON() };
    return { status, body: { name: nameOf(exception), data: { message } } };
  }
}

/**
 * Nest's own exceptions keep their class name (`PayloadTooLargeException`); a bare
 * `HttpException`, which is what Nest makes of Fastify's errors (an unsupported content type,
 * a body past the limit), is named after its status (`UnsupportedMediaTypeError`).
 */
function nameOf(exception: HttpException): string {
  if (exception.constructor !== HttpException) return exception.name;
  const reason = STATUS_CODES[exception.getStatus()];
  return reason ? `${reason.replace(/[^A-Za-z]/g, '')}Error` : exception.name;
}

function flattenMessage(message: unknown): string {
  return Array.isArray(message) ? message.map(String).join('; ') : String(message);
}

/**
 * Fastify raises its own errors for requests it cannot parse (malformed JSON, unsupported media
 * type, body too large) with a 4xx `statusCode`; those are the client's fault, never a 500.
 */
function asClientError(exception: unknown): { status: number; error: NamedError } | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { statusCode, message } = exception as { statusCode?: unknown; message?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  const text = typeof message === 'string' ? message : 'Bad request';
  const error =
    statusCode === 400
      ? new BadRequestError(text, 'Body')
      : new NamedError('BadRequest', statusCode, { message: text });
  return { status: statusCode, error };
}
