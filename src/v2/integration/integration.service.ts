import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppEnvironment } from '../../core/config/app-environment';
import { BusService } from '../../core/bus/bus.service';
import type { Instance } from '../../core/instance/instance';
import type { LoginCredential } from '../../provider/oauth/login-method';
import { LoginFailed } from '../../provider/oauth/login-method';
import {
  ProviderAuthService,
  type OAuthMethodInfo,
} from '../../provider/oauth/provider-auth.service';
import { ProviderCredentials } from '../../provider/provider-credentials.service';
import { ProviderAuthError } from '../../provider/provider.errors';
import { ProviderService } from '../../provider/provider.service';
import type { ProviderInfo } from '../../provider/provider.types';
import { CredentialRepository, type CredentialSummary } from './credential.repository';
import type {
  ConnectionInfo,
  IntegrationAttemptDto,
  IntegrationAttemptStatusDto,
  IntegrationConnectKeyDto,
  IntegrationConnectOAuthDto,
  IntegrationInfoDto,
  IntegrationMethod,
} from './dto/integration.dto';
import { type Attempt, IntegrationAttempts } from './integration-attempts';
import {
  IntegrationAttemptNotFoundError,
  IntegrationNotFoundError,
  IntegrationRequestError,
} from './integration.errors';

/** The label of a credential connected without one, as the reference names it. */
const DEFAULT_LABEL = 'default';

/**
 * Integrations: one per provider the server knows (catalog and config, after
 * `enabled_providers` / `disabled_providers`), the ways to connect it and its connections.
 *
 * - Methods: an API key; the provider's login methods that run through the server (`oauth`,
 *   the same flows as the classic `/provider/{id}/oauth/*` routes, by `ProviderAuthService`);
 *   the environment variables the provider reads.
 * - Connections: its stored credential (`cred_…`, label only: secrets never leave the store nor
 *   reach a log line), then the variables that are set (names only).
 *
 * Credentials live in the database (`CredentialRepository`), not in auth.json; registered with
 * `ProviderCredentials` at start-up, they connect providers for `/api/provider`, classic
 * `/provider` and model calls. A login's result lands there too: one implementation of each
 * flow serves both APIs, only where its credential is stored differs.
 */
@Injectable()
export class IntegrationService implements OnModuleInit {
  private readonly logger = new Logger('Integration');

  constructor(
    private readonly providers: ProviderService,
    private readonly logins: ProviderAuthService,
    private readonly providerCredentials: ProviderCredentials,
    private readonly credentials: CredentialRepository,
    private readonly attempts: IntegrationAttempts,
    private readonly bus: BusService,
    private readonly env: AppEnvironment,
  ) {}

  onModuleInit(): void {
    this.providerCredentials.registerSource(this.credentials);
  }

  /** Every integration, by name (as the reference orders them). */
  async list(instance: Instance): Promise<IntegrationInfoDto[]> {
    const [{ all }, methods] = await Promise.all([
      this.providers.listing(instance),
      this.logins.oauthMethods(instance),
    ]);
    const stored = new Map<string, CredentialSummary[]>();
    for (const credential of this.credentials.summaries()) {
      stored.set(credential.integrationID, [
        ...(stored.get(credential.integrationID) ?? []),
        credential,
      ]);
    }
    return all
      .map((provider) =>
        this.toIntegration(provider, methods[provider.id] ?? [], stored.get(provider.id) ?? []),
      )
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** One integration; `IntegrationNotFoundError` (404) for an unknown id. */
  async get(instance: Instance, integrationID: string): Promise<IntegrationInfoDto> {
    const provider = await this.integration(instance, integrationID);
    const methods = await this.logins.oauthMethods(instance);
    const stored = this.credentials.summaries().filter((c) => c.integrationID === integrationID);
    return this.toIntegration(provider, methods[integrationID] ?? [], stored);
  }

  /** Stores an API key as the integration's credential (in place of any it had). */
  async connectKey(
    instance: Instance,
    integrationID: string,
    body: IntegrationConnectKeyDto,
  ): Promise<void> {
    await this.integration(instance, integrationID);
    const stored = this.credentials.create(integrationID, body.label ?? DEFAULT_LABEL, {
      type: 'api',
      key: body.key,
    });
    this.logger.log(`stored key credential ${stored.id} for ${integrationID}`);
    this.updated(instance);
  }

  /**
   * Starts an OAuth login of the integration: a device code is asked for or a loopback
   * receiver opened, as the method does. `auto` attempts finish by themselves (the credential
   * is stored when the provider answers); `code` ones by `complete` with the pasted code. A
   * pending attempt of the same integration is replaced (it fails, its login stopped).
   */
  async connectOAuth(
    instance: Instance,
    integrationID: string,
    body: IntegrationConnectOAuthDto,
  ): Promise<IntegrationAttemptDto> {
    await this.integration(instance, integrationID);
    const methods = (await this.logins.oauthMethods(instance))[integrationID] ?? [];
    const method = methods.find((candidate) => candidate.id === body.methodID);
    if (!method) {
      const known = methods.map((candidate) => candidate.id).join(', ') || 'none';
      throw new IntegrationRequestError(
        `Integration ${integrationID} has no OAuth method ${body.methodID} (it has: ${known})`,
        { kind: 'Payload', field: 'methodID' },
      );
    }
    // Deliberate difference: the reference lets attempts of one integration run side by side,
    // and a retried browser login then fails on the port the abandoned one still holds.
    this.attempts.supersede(integrationID);
    const started = await this.logins
      .start(instance, integrationID, method.index, body.inputs)
      .catch((error: unknown) => {
        throw this.startError(error);
      });
    const attempt = this.attempts.add({
      integrationID,
      methodID: method.id,
      label: body.label,
      mode: started.login.method,
      started,
      instance,
    });
    if (attempt.mode === 'auto') void this.settle(attempt, started.login.complete(undefined));
    return {
      attemptID: attempt.id,
      url: started.login.url,
      instructions: started.login.instructions,
      mode: attempt.mode,
      time: { ...attempt.time },
    };
  }

  status(attemptID: string): IntegrationAttemptStatusDto {
    const attempt = this.attempt(attemptID);
    return {
      status: attempt.status,
      ...(attempt.status === 'failed' && { message: attempt.message ?? 'Authorization failed' }),
      time: { ...attempt.time },
    };
  }

  /**
   * Finishes a code-mode attempt with the code the user pasted: exchanged, and the credential
   * stored. Completing a finished attempt again changes nothing, as the reference.
   *
   * Deliberate differences (the reference answers 500 or 204): an `auto` attempt, which
   * finishes by itself, and an expired or failed one are refused with a 400.
   */
  async complete(attemptID: string, code: string | undefined): Promise<void> {
    const attempt = this.attempt(attemptID);
    if (attempt.status === 'complete') return;
    if (attempt.status !== 'pending') {
      throw new IntegrationRequestError(
        `OAuth attempt ${attemptID} has ${attempt.status === 'expired' ? 'expired' : 'failed'}: start a new one`,
        { kind: 'integration_authorization' },
      );
    }
    if (attempt.mode === 'auto') {
      throw new IntegrationRequestError(
        `OAuth attempt ${attemptID} finishes by itself (mode auto): poll its status instead`,
        code !== undefined ? { field: 'code' } : {},
      );
    }
    if (!code?.trim()) {
      // The reference's message and kind.
      throw new IntegrationRequestError('Authorization code is required', {
        kind: 'integration_code_required',
        field: 'code',
      });
    }
    if (attempt.completing) {
      throw new IntegrationRequestError(`OAuth attempt ${attemptID} is already being completed`);
    }
    attempt.completing = true;
    const failure = await this.settle(attempt, attempt.started.login.complete(code.trim()));
    if (failure !== undefined) {
      throw new IntegrationRequestError(`Authentication failed: ${failure}`, {
        kind: 'integration_authorization',
      });
    }
  }

  /** Stops the attempt's login and forgets it; an unknown id is fine, as the reference. */
  cancel(attemptID: string): void {
    this.attempts.cancel(attemptID);
  }

  /** Renames a credential; unknown ids change nothing (204 as the reference). */
  updateCredential(instance: Instance, credentialID: string, label: string): void {
    if (this.credentials.rename(credentialID, label)) this.updated(instance);
  }

  /** Removes a credential; unknown ids change nothing (204 as the reference). */
  removeCredential(instance: Instance, credentialID: string): void {
    const removed = this.credentials.remove(credentialID);
    if (!removed) return;
    this.logger.log(`removed credential ${removed.id} of ${removed.integrationID}`);
    this.updated(instance);
  }

  /**
   * Waits for the attempt's login and stores what it yields; a failure marks the attempt failed
   * and is answered (its message), for `complete` to report. A result that arrives after the
   * attempt was cancelled or expired is dropped.
   */
  private async settle(
    attempt: Attempt,
    completion: Promise<LoginCredential>,
  ): Promise<string | undefined> {
    let credential: LoginCredential;
    try {
      credential = await completion;
    } catch (error) {
      const message = error instanceof LoginFailed ? error.message : 'Authorization failed';
      if (this.attempts.isPending(attempt)) {
        this.logger.warn(
          `OAuth attempt ${attempt.id} for ${attempt.integrationID} failed: ${error instanceof LoginFailed ? message : errorName(error)}`,
        );
      }
      this.attempts.fail(attempt, message);
      return message;
    }
    if (!this.attempts.isPending(attempt)) return undefined;
    const stored = this.credentials.create(
      attempt.integrationID,
      attempt.label ?? DEFAULT_LABEL,
      credential,
    );
    this.attempts.complete(attempt);
    this.logger.log(
      `stored ${credential.type === 'api' ? 'key' : 'oauth'} credential ${stored.id} for ${attempt.integrationID} (${attempt.methodID})`,
    );
    this.updated(attempt.instance);
    return undefined;
  }

  private attempt(attemptID: string): Attempt {
    const attempt = this.attempts.get(attemptID);
    if (!attempt) throw new IntegrationAttemptNotFoundError(attemptID);
    return attempt;
  }

  private async integration(instance: Instance, integrationID: string): Promise<ProviderInfo> {
    const { all } = await this.providers.listing(instance);
    const provider = all.find((candidate) => candidate.id === integrationID);
    if (!provider) throw new IntegrationNotFoundError(integrationID);
    return provider;
  }

  /**
   * A login that could not start, as the v2 400: a prompt answer refused (named as
   * `inputs.<key>`), or the provider refusing to begin. Other errors (a plugin's) as they are.
   */
  private startError(error: unknown): unknown {
    if (!(error instanceof ProviderAuthError)) return error;
    const { message, field } = error.data;
    if (error.name === 'ProviderAuthValidationFailed') {
      return new IntegrationRequestError(message, {
        kind: 'Payload',
        ...(field && { field: `inputs.${field}` }),
      });
    }
    return new IntegrationRequestError(message, { kind: 'integration_authorization' });
  }

  private updated(instance: Instance): void {
    this.bus.publish(instance, 'integration.updated', {});
  }

  private toIntegration(
    provider: ProviderInfo,
    logins: OAuthMethodInfo[],
    stored: CredentialSummary[],
  ): IntegrationInfoDto {
    const methods: IntegrationMethod[] = [{ type: 'key' }];
    if (provider.env.length > 0) methods.push({ type: 'env', names: [...provider.env] });
    for (const login of logins) {
      methods.push({
        type: 'oauth',
        id: login.id,
        label: login.label,
        ...(login.prompts && { prompts: login.prompts }),
      });
    }
    const connections: ConnectionInfo[] = [
      // Newest first, as the reference lists them (there is one per integration).
      ...stored
        .toReversed()
        .map((c) => ({ type: 'credential' as const, id: c.id, label: c.label })),
      ...provider.env
        .filter((name) => Boolean(this.env.variables[name]))
        .map((name) => ({ type: 'env' as const, name })),
    ];
    return { id: provider.id, name: provider.name, methods, connections };
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
