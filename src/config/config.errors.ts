import { NamedError } from '../core/errors/named-error';

/** Where in a config source a problem is: the file (or `OPENCODE_CONFIG_CONTENT`), line, key. */
export interface ConfigErrorData {
  message: string;
  /** The file, or `OPENCODE_CONFIG_CONTENT` for the inline layer. */
  path: string;
  /** 1-based line and column of the offending value, when it can be located. */
  line?: number;
  column?: number;
  /** The dotted key path of the offending value (`provider.fake.options.baseURL`). */
  key?: string;
}

/**
 * A config source that is not valid JSONC. Named as the reference's `ConfigJsonError`. Answered as
 * 400 (the status the reference documents for `GET /config`): the request cannot be served until
 * the file is fixed, but the server keeps running.
 */
export class ConfigJsonError extends NamedError<ConfigErrorData> {
  constructor(data: ConfigErrorData) {
    super('ConfigJsonError', 400, data);
  }
}

/** A config source that parses but breaks the schema (or a bad `{file:...}` reference). */
export class ConfigInvalidError extends NamedError<ConfigErrorData> {
  constructor(data: ConfigErrorData) {
    super('ConfigInvalidError', 400, data);
  }
}
