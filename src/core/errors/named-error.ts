/**
 * The one error contract of the API: `{ name, data }` with an HTTP status, as the reference
 * (`NotFoundError`, `BadRequest`, ...). Services throw subclasses; the global filter maps them.
 */
export class NamedError<TData extends { message: string } = { message: string }> extends Error {
  constructor(
    override readonly name: string,
    readonly status: number,
    readonly data: TData,
  ) {
    super(data.message);
  }

  toJSON(): { name: string; data: TData } {
    return { name: this.name, data: this.data };
  }
}

export class NotFoundError extends NamedError {
  constructor(message: string) {
    super('NotFoundError', 404, { message });
  }
}

export type BadRequestKind = 'Params' | 'Headers' | 'Query' | 'Body' | 'Payload';

export interface BadRequestData {
  message: string;
  kind?: BadRequestKind;
  /** The offending field, when one can be named (`parts[0].text`). */
  field?: string;
}

export class BadRequestError extends NamedError<BadRequestData> {
  constructor(message: string, kind?: BadRequestKind, field?: string) {
    super('BadRequest', 400, { message, ...(kind && { kind }), ...(field && { field }) });
  }
}

/** A path that resolves outside the project directory of the request. */
export class ForbiddenPathError extends NamedError<{ message: string; path: string }> {
  constructor(path: string) {
    super('ForbiddenPathError', 403, {
      message: `Access outside the project is denied: ${path}`,
      path,
    });
  }
}

export class UnauthorizedError extends NamedError {
  constructor() {
    super('UnauthorizedError', 401, { message: 'Authentication required' });
  }
}
