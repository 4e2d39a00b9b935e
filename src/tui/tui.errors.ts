import { NamedError } from '../core/errors/named-error';

/** Too many control requests wait for the terminal client of a directory: it is not taking them. */
export class TuiControlQueueFullError extends NamedError<{ message: string; limit: number }> {
  constructor(limit: number) {
    super('TuiControlQueueFullError', 503, {
      message: `${limit} TUI control requests are already waiting for the terminal client`,
      limit,
    });
  }
}

/** The instance (project directory) went away before the terminal client answered. */
export class TuiControlClosedError extends NamedError {
  constructor() {
    super('TuiControlClosedError', 503, {
      message: 'The instance was disposed before the terminal client answered',
    });
  }
}
