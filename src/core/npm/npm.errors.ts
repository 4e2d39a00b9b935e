import { NamedError } from '../errors/named-error';

/**
 * A package that could not be installed or loaded (no network, no such package, npm missing),
 * named as the reference's `NpmInstallFailedError`. The message names the package and npm's own
 * reason, with any credentials in URLs masked.
 */
export class NpmInstallFailedError extends NamedError<{ message: string; package: string }> {
  constructor(spec: string, reason: string) {
    super('NpmInstallFailedError', 500, {
      message: `Could not install ${spec}: ${maskCredentials(reason)}`,
      package: spec,
    });
  }
}

/** `https://user:secret@host` → `https://***@host`; npm masks most, registries in errors too. */
function maskCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}
