import { TaggedError } from '../../core/errors/tagged-error';

/**
 * Deliberate difference: the reference answers 200 with `data: null` for an unknown integration
 * (its schema does not allow null there), and a 500 when connecting one; a 404 is what every
 * other unknown id gets.
 */
export class IntegrationNotFoundError extends TaggedError<{ integrationID: string }> {
  constructor(integrationID: string) {
    super('IntegrationNotFoundError', 404, `Integration not found: ${integrationID}`, {
      integrationID,
    });
  }
}

/**
 * An OAuth attempt that does not exist (never started, cancelled, or finished long enough ago
 * to be forgotten). Deliberate difference: the reference answers a 500 for these.
 */
export class IntegrationAttemptNotFoundError extends TaggedError<{ attemptID: string }> {
  constructor(attemptID: string) {
    super('IntegrationAttemptNotFoundError', 404, `OAuth attempt not found: ${attemptID}`, {
      attemptID,
    });
  }
}

/**
 * A request the integration routes cannot act on, as the v2 400: `field` names the offending
 * field; `kind` says what is wrong where the reference has a kind for it
 * (`integration_code_required`, `integration_authorization`).
 */
export class IntegrationRequestError extends TaggedError<{ kind?: string; field?: string }> {
  constructor(message: string, details: { kind?: string; field?: string } = {}) {
    super('InvalidRequestError', 400, message, {
      ...(details.kind && { kind: details.kind }),
      ...(details.field && { field: details.field }),
    });
  }
}
