import {
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { AppEnvironment } from '../../config/app-environment';
import { BadRequestError } from '../../errors/named-error';
import type { Instance } from '../../instance/instance';
import { InstanceService } from '../../instance/instance.service';
import { RequestLocation } from './request-location';
import { readRequestedLocation, type RequestedLocation } from './requested-location';

/** `instance` is what the classic `@CurrentInstance()` reads, so both decorators work here. */
type LocatedRequest = FastifyRequest & { instance?: Instance; location?: RequestLocation };

/**
 * Resolves the location of a location-scoped `/api` route (see `readRequestedLocation`) to the
 * instance of its directory, through the same `InstanceService` as the classic routes, and hands
 * it to the handler through `@CurrentLocation()`. `@V2Endpoint` applies it; the classic
 * interceptor stays out of `/api` controllers (`@V2Controller` marks them server-scoped).
 */
@Injectable()
export class LocationInterceptor implements NestInterceptor {
  constructor(
    private readonly instances: InstanceService,
    private readonly env: AppEnvironment,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<LocatedRequest>();
    const requested = readRequestedLocation(
      request.query as Record<string, unknown> | undefined,
      request.headers,
      this.env.defaultDirectory,
    );
    const instance = await this.resolve(requested);
    request.instance = instance;
    request.location = new RequestLocation(instance, requested.workspaceID);
    return next.handle();
  }

  /**
   * Deliberate difference: the reference answers a 500 for a directory that does not exist; this
   * is a 400 naming the query key or header the client sent it in.
   */
  private async resolve(requested: RequestedLocation): Promise<Instance> {
    try {
      return await this.instances.resolve(requested.directory);
    } catch (error) {
      const source = requested.directorySource;
      if (!(error instanceof BadRequestError) || !source) throw error;
      throw new BadRequestError(error.data.message, source.kind, source.field);
    }
  }
}

/** The location of the request (see `LocationInterceptor`). */
export const CurrentLocation = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestLocation => {
    const location = context.switchToHttp().getRequest<LocatedRequest>().location;
    if (!location) throw new Error('CurrentLocation used on a route without a location');
    return location;
  },
);
