import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Instance } from '../core/instance/instance';
import type { ClientConnection } from './client-connection';
import { TUI_CONTROL_OPTIONS, type TuiControlOptions } from './tui-control.options';
import { TuiControlQueue, type TuiControlRequest } from './tui-control.queue';
import { TuiControlClosedError } from './tui.errors';

const QUEUE = Symbol('tui.control.queue');

export interface TuiControlRequestOptions {
  /** Gives up waiting: the request leaves the queue, or its answer is dropped when it comes. */
  signal?: AbortSignal;
}

/**
 * Relays control requests between the server and the terminal client of each directory (one
 * queue per instance, so requests and answers never cross directories, and disposal ends them).
 */
@Injectable()
export class TuiControlService {
  private readonly logger = new Logger(TuiControlService.name);

  constructor(@Inject(TUI_CONTROL_OPTIONS) private readonly options: TuiControlOptions) {}

  /**
   * Asks the terminal client of `instance` to handle `path` with `body` and resolves with its
   * answer. Rejects with `TuiControlQueueFullError` when too many requests wait,
   * `TuiControlClosedError` when the instance is disposed first, or the signal's reason.
   */
  request(
    instance: Instance,
    path: string,
    body: unknown,
    options: TuiControlRequestOptions = {},
  ): Promise<unknown> {
    if (instance.disposed) return Promise.reject(new TuiControlClosedError());
    return this.queue(instance).request(path, body, options.signal);
  }

  /** Long-polls for the next request; `undefined` when none came within the poll timeout. */
  next(instance: Instance, connection: ClientConnection): Promise<TuiControlRequest | undefined> {
    if (instance.disposed) return Promise.resolve(undefined);
    return this.queue(instance).next(connection, this.options.pollTimeoutMs);
  }

  /** Delivers the client's answer to the oldest request it took; always `true`, as the reference. */
  answer(instance: Instance, answer: unknown): boolean {
    if (instance.disposed) return true;
    const outcome = this.queue(instance).answer(answer);
    switch (outcome) {
      case 'answered':
        break;
      case 'cancelled':
        this.logger.debug(`TUI answer dropped in ${instance.directory}: its caller gave up`);
        break;
      case 'unmatched':
        this.logger.warn(`TUI answer dropped in ${instance.directory}: no request was taken`);
        break;
    }
    return true;
  }

  private queue(instance: Instance): TuiControlQueue {
    return instance.getOrCreate(
      QUEUE,
      () => new TuiControlQueue(this.options.queueLimit),
      (queue) => queue.close(),
    );
  }
}
