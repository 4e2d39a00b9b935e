import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import type { LogLevelName } from '../config/app-environment';
import { LogSink } from './log-sink';

/** Keys whose values never reach a log line. */
const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'key',
  '*.key',
  'access',
  '*.access',
  'refresh',
  '*.refresh',
  'token',
  '*.token',
];

/**
 * Structured JSON logs on stderr (stdout carries only the "listening" line clients wait for),
 * through a bounded sink (see LogSink). The CLI passes its own sink to close it at exit.
 */
export function createPinoLogger(level: LogLevelName, sink = new LogSink()): Logger {
  const logger = pino(
    { level, base: { pid: process.pid }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    sink.destination,
  );
  sink.reportDropsThrough(logger);
  return logger;
}

/** Nest's start-up chatter (one line per module and route): useful when debugging only. */
const STARTUP_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
]);

/** Nest's logger interface on top of pino: every `new Logger(context)` ends up here. */
export class PinoLoggerService implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, context?: string): void {
    this.write(context && STARTUP_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }

  /** Nest passes `(message, context)` or `(message, stack, context)`. */
  error(message: unknown, ...rest: unknown[]): void {
    const context = rest.length > 0 ? rest[rest.length - 1] : undefined;
    const stack = rest.length > 1 ? rest[0] : undefined;
    const detail = typeof stack === 'string' ? { stack } : {};
    this.write(
      'error',
      typeof message === 'object' && message !== null ? { ...message, ...detail } : message,
      typeof context === 'string' ? context : undefined,
    );
  }

  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }

  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }

  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: pino.Level, message: unknown, context: string | undefined): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const bindings = context ? { service: context } : {};
    if (typeof message === 'object' && message !== null)
      this.pino[level]({ ...bindings, ...message });
    else this.pino[level](bindings, String(message));
  }
}
