import { Injectable, Logger } from '@nestjs/common';
import { LogEntryDto } from './dto/log-entry.dto';

/** Writes client-submitted entries into the server log, tagged with the client's service name. */
@Injectable()
export class LogService {
  write(entry: LogEntryDto): boolean {
    const logger = new Logger(entry.service);
    const message = entry.extra ? { msg: entry.message, extra: entry.extra } : entry.message;
    switch (entry.level) {
      case 'debug':
        logger.debug(message);
        break;
      case 'info':
        logger.log(message);
        break;
      case 'warn':
        logger.warn(message);
        break;
      case 'error':
        logger.error(message);
        break;
    }
    return true;
  }
}
