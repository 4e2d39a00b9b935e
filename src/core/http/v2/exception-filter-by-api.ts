import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HttpExceptionFilter } from '../../errors/http-exception.filter';
import { isApiPath } from './api-path';
import { V2ExceptionFilter } from './v2-exception.filter';

/**
 * The application's one exception filter: answers under `/api` in the v2 shape (`{ _tag,
 * message, … }`), unknown `/api` paths included, and every other answer in the classic shape.
 */
@Catch()
export class ExceptionFilterByApi implements ExceptionFilter {
  private readonly classic = new HttpExceptionFilter();
  private readonly v2 = new V2ExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const { url } = host.switchToHttp().getRequest<FastifyRequest>();
    (isApiPath(url) ? this.v2 : this.classic).catch(exception, host);
  }
}
