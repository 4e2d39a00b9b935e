import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';

/**
 * Sends a frozen response object as the JSON text it was encoded to the first time. The file
 * reader answers an unchanged file with the same frozen object every time; for a 100 KB file,
 * encoding it again would be most of the cost of the request (and of its garbage). Anything not
 * frozen (fresh answers, error bodies) is serialized as usual.
 */
@Injectable()
export class MemoizedJsonInterceptor implements NestInterceptor {
  /** Entries live as long as the answer objects, i.e. as long as the reader remembers them. */
  private readonly encoded = new WeakMap<object, string>();

  private readonly serialize = (payload: unknown): string => {
    if (typeof payload !== 'object' || payload === null || !Object.isFrozen(payload)) {
      return JSON.stringify(payload);
    }
    let json = this.encoded.get(payload);
    if (json === undefined) {
      json = JSON.stringify(payload);
      this.encoded.set(payload, json);
    }
    return json;
  };

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    // A custom serializer makes Fastify leave the content type alone: say it is JSON.
    void reply.serializer(this.serialize).header('content-type', 'application/json; charset=utf-8');
    return next.handle();
  }
}
