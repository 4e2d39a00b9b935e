import { LOG_LEVELS, type LogLevelName } from '../../core/config/app-environment';
import { Field } from '../../core/http/field.decorators';

export class LogEntryDto {
  @Field.string({ notEmpty: true, description: 'Service name for the log entry' })
  service: string;

  @Field.enum(LOG_LEVELS, { description: 'Log level' })
  level: LogLevelName;

  @Field.string({ description: 'Log message' })
  message: string;

  @Field.record({ optional: true, description: 'Additional metadata' })
  extra?: Record<string, unknown>;
}
