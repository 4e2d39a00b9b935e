import { TaggedError } from '../../core/errors/tagged-error';

/**
 * Deliberate difference: the reference answers 200 with `data: null` for an unknown integration
 * (its schema does not allow null there); a 404 is what every other unknown id gets.
 */
export class IntegrationNotFoundError extends TaggedError<{ integrationID: string }> {
  constructor(integrationID: string) {
    super('IntegrationNotFoundError', 404, `Integration not found: ${integrationID}`, {
      integrationID,
    });
  }
}
