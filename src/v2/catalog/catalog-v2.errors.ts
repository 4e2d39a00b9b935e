import { TaggedError } from '../../core/errors/tagged-error';

/** No active provider has this id (unknown, or known but not connected). */
export class ProviderNotFoundError extends TaggedError<{ providerID: string }> {
  constructor(providerID: string) {
    super('ProviderNotFoundError', 404, `Provider not found: ${providerID}`, { providerID });
  }
}
