import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Observable, tap } from 'rxjs';

/** Answers 204 No Content when the handler returns nothing (a long-poll that timed out). */
@Injectable()
export class NoContentWhenEmptyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      tap((value) => {
        if (value === undefined)
          void context.switchToHttp().getResponse<FastifyReply>().status(204);
      }),
    );
  }
}
