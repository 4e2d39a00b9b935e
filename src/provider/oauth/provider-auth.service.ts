import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service';
import type { OAuthInfo } from '../../auth/auth.types';
import { openBrowser } from '../../core/browser';
import { AppEnvironment } from '../../core/config/app-environment';
import { NotFoundError } from '../../core/errors/named-error';
import { findExecutable, probe } from '../../core/executable';
import type { Instance } from '../../core/instance/instance';
import { PluginHooks } from '../../core/plugin/plugin-hooks';
import type { CallCredentials } from '../provider-auth-calls';
import { ProviderCredentials } from '../provider-credentials.service';
import { ProviderAuthError } from '../provider.errors';
import {
  LoginContext,
  LoginCredential,
  LoginFailed,
  LoginInputInvalid,
  LoginMethod,
  LoginMethodInfo,
  LoginPrompt,
  PendingLogin,
  ProviderLogins,
} from './login-method';
import { startLoopback } from './loopback';
import { OAuthHttp } from './oauth-http';
import { providerLogins } from './oauth-methods';
import { pluginLogins } from './plugin-logins';

/**
 * How long a started login waits for its callback: longer than any provider's own limit (device
 * codes live 15 minutes), so the provider's answer, not this, ends a slow login.
 */
const PENDING_TTL_MS = 20 * 60_000;
const AZURE_CLI_TIMEOUT_MS = 60_000;
/** Azure CLI tokens are asked for again this long before they expire. */
const AZURE_TOKEN_MARGIN_MS = 60_000;

export type AuthMethodInfo = LoginMethodInfo;

export interface AuthorizationInfo {
  url: string;
  method: 'auto' | 'code';
  instructions: string;
}

/** An OAuth login method as the `/api` integrations name it (`methodID`). */
export interface OAuthMethodInfo {
  /** Its index among the provider's methods (what the classic routes call `method`). */
  index: number;
  id: string;
  label: string;
  prompts?: LoginPrompt[];
}

/** A login started for a caller that keeps it (an `/api` attempt); `stop()` cancels it. */
export interface StartedLogin {
  login: PendingLogin;
  stop(): void;
}

interface Pending {
  login: PendingLogin;
  controller: AbortController;
  timer: NodeJS.Timeout;
  /** The callback's wait, shared when a client calls the callback twice. */
  completion?: Promise<LoginCredential>;
}

/**
 * Provider logins (`GET /provider/auth`, `.../oauth/authorize`, `.../oauth/callback`): the
 * methods of each provider that has logins, as the reference's built-in auth plugins offer
 * them. `authorize` starts a login (asks for a device code, or opens a receiver for the
 * browser's redirect) and answers what to show the user; `callback` waits for it to finish and
 * stores the credential in `auth.json`. One login per provider at a time: a new `authorize`
 * cancels the previous one. The `/api` integrations run the same flows through `start` and
 * store the result in their own credential table. Hosts are replaced through
 * `OPENCODE_OAUTH_HOSTS` in tests.
 */
@Injectable()
export class ProviderAuthService implements OnModuleDestroy, CallCredentials {
  private readonly logger = new Logger('ProviderAuth');
  private readonly http: OAuthHttp;
  private readonly pending = new Map<string, Pending>();
  /** Refreshes in flight, so concurrent calls share one token request. */
  private readonly refreshing = new Map<string, Promise<OAuthInfo>>();
  /** Azure CLI tokens by scope, and the requests for them in flight. */
  private readonly azureTokens = new Map<string, Promise<{ token: string; expires: number }>>();

  constructor(
    private readonly auth: AuthService,
    private readonly credentials: ProviderCredentials,
    private readonly env: AppEnvironment,
    private readonly plugins: PluginHooks,
  ) {
    this.http = new OAuthHttp(env.oauthHosts);
  }

  onModuleDestroy(): void {
    for (const providerID of [...this.pending.keys()]) this.drop(providerID);
  }

  /**
   * Every provider's login methods, with the prompts clients ask before `authorize`: the
   * built-in ones and those of the instance's plugins (`auth` hooks).
   */
  async methods(instance: Instance): Promise<Record<string, AuthMethodInfo[]>> {
    const result: Record<string, AuthMethodInfo[]> = {};
    for (const [providerID, logins] of Object.entries(await this.instanceLogins(instance))) {
      result[providerID] = logins.methods.map((method) => ({
        type: method.type,
        label: method.label,
        ...(method.prompts && { prompts: method.prompts }),
      }));
    }
    return result;
  }

  /** Starts login method `method` (an index into the provider's methods) with the prompt answers. */
  async authorize(
    instance: Instance,
    providerID: string,
    method: number,
    inputs: Record<string, string> = {},
  ): Promise<AuthorizationInfo> {
    const definition = await this.startable(instance, providerID, method, inputs);
    this.drop(providerID);
    const { login, controller } = await this.begin(providerID, definition, inputs);
    const timer = setTimeout(() => this.drop(providerID), PENDING_TTL_MS);
    timer.unref();
    this.pending.set(providerID, { login, controller, timer });
    this.logger.log(`login started for ${providerID} (${definition.label})`);
    return { url: login.url, method: login.method, instructions: login.instructions };
  }

  /**
   * The OAuth methods of each provider with logins, with the ids the `/api` integrations name
   * them by: the method's own (the reference's, such as `chatgpt-browser`), else its label in
   * lower case with dashes.
   */
  async oauthMethods(instance: Instance): Promise<Record<string, OAuthMethodInfo[]>> {
    const result: Record<string, OAuthMethodInfo[]> = {};
    for (const [providerID, logins] of Object.entries(await this.instanceLogins(instance))) {
      const methods = logins.methods.flatMap((method, index) =>
        method.type === 'oauth' && method.authorize
          ? [
              {
                index,
                id: method.id ?? slug(method.label),
                label: method.label,
                ...(method.prompts && { prompts: method.prompts }),
              },
            ]
          : [],
      );
      if (methods.length > 0) result[providerID] = methods;
    }
    return result;
  }

  /**
   * Starts login method `method` of the provider for a caller that keeps it from then on, as
   * the `/api` attempts do (several may run at once; the classic routes keep one per provider).
   * The same checks and flows as `authorize`; only where the credential goes differs.
   */
  async start(
    instance: Instance,
    providerID: string,
    method: number,
    inputs: Record<string, string>,
  ): Promise<StartedLogin> {
    const definition = await this.startable(instance, providerID, method, inputs);
    const { login, controller } = await this.begin(providerID, definition, inputs);
    this.logger.log(`login started for ${providerID} (${definition.label})`);
    return {
      login,
      stop: () => {
        controller.abort();
        login.cancel();
      },
    };
  }

  /** The method to start, once its index and the prompt answers are checked. */
  private async startable(
    instance: Instance,
    providerID: string,
    method: number,
    inputs: Record<string, string>,
  ): Promise<LoginMethod & Required<Pick<LoginMethod, 'authorize'>>> {
    const logins = await this.providerLogins(instance, providerID);
    const definition = logins.methods[method];
    if (!definition) {
      throw new ProviderAuthError(
        'ProviderAuthValidationFailed',
        providerID,
        `${providerID} has no login method ${method} (it has ${logins.methods.length}, see GET /provider/auth)`,
        'method',
      );
    }
    if (!definition.authorize) {
      // Deliberate difference: the reference answers 200 `null` for an API-key method.
      throw new ProviderAuthError(
        'ProviderAuthValidationFailed',
        providerID,
        `Method ${method} of ${providerID} takes an API key: store it with PUT /auth/${providerID}`,
        'method',
      );
    }
    for (const [key, check] of Object.entries(definition.validate ?? {})) {
      const problem = inputs[key] !== undefined ? check?.(inputs[key]) : undefined;
      if (problem)
        throw new ProviderAuthError('ProviderAuthValidationFailed', providerID, problem, key);
    }
    return { ...definition, authorize: definition.authorize.bind(definition) };
  }

  private async begin(
    providerID: string,
    definition: Required<Pick<LoginMethod, 'authorize'>>,
    inputs: Record<string, string>,
  ): Promise<{ login: PendingLogin; controller: AbortController }> {
    const controller = new AbortController();
    try {
      const login = await definition.authorize(inputs, this.context(controller.signal));
      return { login, controller };
    } catch (error) {
      controller.abort();
      throw this.loginError(providerID, error, 'could not be started');
    }
  }

  /**
   * Waits for the started login to finish and stores its credential. `code` is needed only by
   * `code` logins; for `auto` ones a pasted redirect URL finishes a browser login whose browser
   * cannot reach this machine. The method index is not checked, as in the reference: the
   * login in progress is the one `authorize` started.
   */
  async callback(providerID: string, code: string | undefined): Promise<boolean> {
    const pending = this.pending.get(providerID);
    if (!pending) {
      throw new ProviderAuthError(
        'ProviderAuthOauthMissing',
        providerID,
        `No login in progress for ${providerID} (it may have expired): call authorize first`,
      );
    }
    if (pending.login.method === 'code' && !code?.trim()) {
      throw new ProviderAuthError(
        'ProviderAuthOauthCodeMissing',
        providerID,
        'The authorization code is missing',
        'code',
      );
    }
    let credential: LoginCredential;
    try {
      pending.completion ??= pending.login.complete(code?.trim() || undefined);
      credential = await pending.completion;
    } catch (error) {
      if (this.pending.get(providerID) === pending) this.drop(providerID);
      throw this.loginError(providerID, error, 'failed');
    }
    await this.auth.set(providerID, credential);
    if (this.pending.get(providerID) === pending) this.drop(providerID);
    this.logger.log(`login completed for ${providerID}`);
    return true;
  }

  /**
   * Fresh tokens for an expired OAuth credential, stored and answered; the credential itself
   * where its provider hands out no refreshes (Copilot's tokens do not expire, Poe's keys cannot
   * be renewed, Azure asks its CLI at each call).
   */
  refresh(providerID: string, current: OAuthInfo): Promise<OAuthInfo> {
    const inFlight = this.refreshing.get(providerID);
    if (inFlight) return inFlight;
    const refreshing = this.logins()
      .then(async (logins) => {
        const refresher = logins[providerID]?.refresh;
        if (!refresher) return current;
        const next = await refresher(current, this.context(new AbortController().signal));
        await this.credentials.replaceTokens(providerID, next);
        return next;
      })
      .finally(() => this.refreshing.delete(providerID));
    this.refreshing.set(providerID, refreshing);
    return refreshing;
  }

  /**
   * The provider's stored OAuth tokens for a call: refreshed (and stored) first when they expire
   * within `marginMs`, or at once with `force`. Tokens stored with `expires: 0` (GitHub's) do
   * not expire.
   */
  async oauth(providerID: string, marginMs: number, force = false): Promise<OAuthInfo | undefined> {
    const stored = await this.credentials.get(providerID);
    if (stored?.type !== 'oauth') return undefined;
    const fresh = stored.expires === 0 || stored.expires - marginMs > Date.now();
    return fresh && !force ? stored : this.refresh(providerID, stored);
  }

  /** An Azure CLI access token for `scope`, reused until a minute before it expires. */
  async azureToken(scope: string): Promise<string> {
    const current = await this.azureTokens.get(scope)?.catch(() => undefined);
    if (current && current.expires - AZURE_TOKEN_MARGIN_MS > Date.now()) return current.token;
    const request = this.requestAzureToken(scope);
    this.azureTokens.set(scope, request);
    request.catch(() => {
      if (this.azureTokens.get(scope) === request) this.azureTokens.delete(scope);
    });
    return (await request).token;
  }

  /** `address` as calls send it: tests point the providers' hosts at fakes. */
  url(address: string): string {
    return this.http.url(address);
  }

  get userAgent(): string {
    return `opencode/${this.env.version}`;
  }

  private async requestAzureToken(scope: string): Promise<{ token: string; expires: number }> {
    const run = this.context(new AbortController().signal).azure;
    if (!run) throw new Error('The Azure CLI (az) is not installed');
    const output = await run([
      'account',
      'get-access-token',
      '--scope',
      scope,
      '--output',
      'json',
    ]).catch((error: Error) => {
      throw new Error(`The Azure CLI could not get a token (run az login): ${error.message}`);
    });
    let parsed: { accessToken?: unknown; expires_on?: unknown; expiresOn?: unknown } | undefined;
    try {
      parsed = JSON.parse(output) as typeof parsed;
    } catch {
      parsed = undefined;
    }
    const token = typeof parsed?.accessToken === 'string' ? parsed.accessToken : '';
    const expires =
      typeof parsed?.expires_on === 'number'
        ? parsed.expires_on * 1000
        : Date.parse(typeof parsed?.expiresOn === 'string' ? parsed.expiresOn : '');
    if (!token) throw new Error('The Azure CLI answered no access token (run az login)');
    if (!Number.isFinite(expires))
      throw new Error('Azure CLI returned an invalid token expiration');
    return { token, expires };
  }

  private async logins(): Promise<Record<string, ProviderLogins>> {
    return providerLogins(this.env.variables, (await this.azureCli()) !== undefined);
  }

  /**
   * The built-in logins and the plugins' of `instance`. A plugin's `auth` hook for a provider
   * replaces that provider's built-in logins, as in the reference (where the built-in logins
   * are plugins too, loaded first); the provider keeps its place in the list.
   */
  private async instanceLogins(instance: Instance): Promise<Record<string, ProviderLogins>> {
    const builtIn = await this.logins();
    if (!this.plugins.active) return builtIn;
    return { ...builtIn, ...pluginLogins(await this.plugins.objects(instance, 'auth')) };
  }

  private async providerLogins(instance: Instance, providerID: string): Promise<ProviderLogins> {
    const logins = await this.instanceLogins(instance);
    // Deliberate difference: the reference fails with a 500 for a provider without logins.
    if (!Object.hasOwn(logins, providerID)) {
      throw new NotFoundError(
        `No login methods for provider ${providerID} (see GET /provider/auth)`,
      );
    }
    return logins[providerID];
  }

  private azureCli(): Promise<string | undefined> {
    return findExecutable('az', { directory: '/', worktree: '/', path: this.env.variables.PATH });
  }

  private context(signal: AbortSignal): LoginContext {
    return {
      http: this.http,
      loopback: (options) =>
        startLoopback({ ...options, port: this.env.oauthLoopbackPort ?? options.port }),
      openBrowser: (url) => {
        if (!this.env.canOpenBrowser || !url) return;
        openBrowser(url).catch((error: Error) =>
          this.logger.debug(`could not open a browser: ${error.message}`),
        );
      },
      variables: this.env.variables,
      userAgent: `opencode/${this.env.version}`,
      azure: async (args) => {
        const az = await this.azureCli();
        if (!az) throw new Error('az is not installed');
        const { code, stdout } = await probe(
          az,
          args,
          { ...this.env.variables },
          AZURE_CLI_TIMEOUT_MS,
        );
        if (code !== 0) throw new Error(`az exited with code ${code}`);
        return stdout;
      },
      signal,
    };
  }

  private loginError(providerID: string, error: unknown, what: string): Error {
    if (error instanceof LoginInputInvalid) {
      return new ProviderAuthError(
        'ProviderAuthValidationFailed',
        providerID,
        error.message,
        error.field,
      );
    }
    if (error instanceof LoginFailed) {
      this.logger.warn(`login for ${providerID} ${what}: ${error.message}`);
      return new ProviderAuthError('ProviderAuthOauthCallbackFailed', providerID, error.message);
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  /** Cancels the provider's login in progress, if any. */
  private drop(providerID: string): void {
    const pending = this.pending.get(providerID);
    if (!pending) return;
    this.pending.delete(providerID);
    clearTimeout(pending.timer);
    pending.controller.abort();
    pending.login.cancel();
  }
}

/** `ChatGPT Pro/Plus (browser)` → `chatgpt-pro-plus-browser`. */
function slug(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'oauth'
  );
}
