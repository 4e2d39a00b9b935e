import pino, { Logger } from 'pino';

/**
 * Most log text held while the sink (stderr: a terminal, a file, or a pipe to a log collector)
 * does not take it. Lines that do not fit are dropped and counted: a collector that stalls must
 * not grow the server's memory without bound.
 */
export const LOG_BUFFER_BYTES = 4 * 1024 * 1024;

type Destination = ReturnType<typeof pino.destination>;

/**
 * The one place log lines leave the process: pino's asynchronous destination on stderr, bounded.
 *
 * Why not pino's plain destination: under a process manager stderr is a pipe, and a reader that
 * holds it open without reading made the server (1) buffer every line in memory forever and
 * (2) never end on SIGTERM, because pino flushes synchronously at exit and retries a full pipe
 * forever (measured: the process stayed up until SIGKILL). Here the buffer is capped, the drop is
 * reported once the sink reads again, and `close` gives the sink a deadline.
 */
export class LogSink {
  readonly destination: Destination;
  private dropped = 0;

  constructor(fd = 2, maxBytes = LOG_BUFFER_BYTES) {
    this.destination = pino.destination({ fd, sync: false, maxLength: maxBytes });
    this.destination.on('drop', () => this.dropped++);
  }

  /** Once the sink has taken everything again, `logger` (which writes here) says what was lost. */
  reportDropsThrough(logger: Logger): void {
    this.destination.on('drain', () => {
      if (this.dropped === 0) return;
      const dropped = this.dropped;
      this.dropped = 0;
      logger.warn(
        { droppedLines: dropped },
        `dropped ${dropped} log lines: the log sink did not read them in time`,
      );
    });
  }

  /**
   * Hands the sink what is buffered and calls `done` once it has taken it all, or after
   * `timeoutMs` whatever the sink does: what it has not taken by then is discarded, and with it
   * the exit-time flush that would wait on a full pipe forever. Called right before
   * `process.exit`; nothing may log after it.
   */
  close(timeoutMs: number, done: () => void): void {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      // Discards the rest (if any) and marks the destination destroyed, which pino's exit hook
      // skips; a no-op once it has closed.
      this.destination.destroy();
      done();
    };
    const timer = setTimeout(finish, timeoutMs);
    // 'close' comes once everything buffered is written (sonic-boom never closes fds 1 and 2).
    this.destination.once('close', finish);
    this.destination.end();
  }
}
