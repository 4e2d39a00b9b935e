import {
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { AppEnvironment } from '../config/app-environment';
import type { Instance } from '../instance/instance';
import { InstanceService } from '../instance/instance.service';

export const DIRECTORY_HEADER = 'x-opencode-directory';
const SERVER_SCOPED = Symbol('server-scoped');

type RequestWithInstance = FastifyRequest & { instance?: Instance };

/** Marks a route (or controller) that works on the whole server, not on one project directory. */
export const ServerScoped = () => SetMetadata(SERVER_SCOPED, true);

/** The instance of the request's project directory (see `InstanceInterceptor`). */
export const CurrentInstance = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const instance = context.switchToHttp().getRequest<RequestWithInstance>().instance;
  if (!instance) throw new Error('CurrentInstance used on a server-scoped route');
  return instance;
});

/**
 * Picks the project directory of each request: `?directory=` wins over the `x-opencode-directory`
 * header (sent URL-encoded by the official SDK), else the directory the server started in. The
 * instance is resolved once per directory and handed to handlers through `@CurrentInstance()`,
 * so no request-scoped provider is needed.
 */
@Injectable()
export class InstanceInterceptor implements NestInterceptor {
  constructor(
    private readonly instances: InstanceService,
    private readonly reflector: Reflector,
    private readonly env: AppEnvironment,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const serverScoped = this.reflector.getAllAndOverride<boolean>(SERVER_SCOPED, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!serverScoped) {
      const request = context.switchToHttp().getRequest<RequestWithInstance>();
      request.instance = await this.instances.resolve(this.directoryOf(request));
    }
    return next.handle();
  }

  private directoryOf(request: FastifyRequest): string {
    const query = request.query as Record<string, unknown> | undefined;
    const fromQuery = query?.directory;
    if (typeof fromQuery === 'string' && fromQuery) return fromQuery;
    const header = request.headers[DIRECTORY_HEADER];
    if (typeof header === 'string' && header) return safeDecode(header);
    return this.env.defaultDirectory;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
