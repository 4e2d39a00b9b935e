import { NamedError } from '../core/errors/named-error';

/**
 * An unknown or unusable provider/model pair, as the reference's `ProviderModelNotFoundError`,
 * answered as 400 (the reference documents 400; its server answers 500). `suggestions` lists
 * close ids when there are some.
 */
export class ProviderModelNotFoundError extends NamedError<{
  message: string;
  providerID: string;
  modelID: string;
  suggestions?: string[];
}> {
  constructor(providerID: string, modelID: string, message: string, suggestions: string[] = []) {
    super('ProviderModelNotFoundError', 400, {
      message,
      providerID,
      modelID,
      ...(suggestions.length > 0 && { suggestions }),
    });
  }
}

/** A provider that cannot be set up (no base URL for a custom endpoint), as `ProviderInitError`. */
export class ProviderInitError extends NamedError<{ message: string; providerID: string }> {
  constructor(providerID: string, message: string) {
    super('ProviderInitError', 400, { message, providerID });
  }
}

/** No model was named and no provider is connected to pick a default from. */
export class NoProviderConnectedError extends NamedError {
  constructor() {
    super('ProviderNotConnectedError', 400, {
      message:
        'No provider is connected: set an API key (e.g. ANTHROPIC_API_KEY), store one with PUT /auth/{providerID}, or configure a provider in opencode.json',
    });
  }
}

/**
 * OAuth failures, named as the reference's `ProviderAuthError` variants: no authorization in
 * progress (`ProviderAuthOauthMissing`), no code given (`ProviderAuthOauthCodeMissing`), the
 * provider refused the code (`ProviderAuthOauthCallbackFailed`), a bad method
 * (`ProviderAuthValidationFailed`).
 */
export type ProviderAuthErrorName =
  | 'ProviderAuthOauthMissing'
  | 'ProviderAuthOauthCodeMissing'
  | 'ProviderAuthOauthCallbackFailed'
  | 'ProviderAuthValidationFailed';

export class ProviderAuthError extends NamedError<{
  message: string;
  providerID: string;
  field?: string;
}> {
  constructor(name: ProviderAuthErrorName, providerID: string, message: string, field?: string) {
    super(name, 400, { message, providerID, ...(field && { field }) });
  }
}
