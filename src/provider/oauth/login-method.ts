import type { ApiAuthInfo, OAuthInfo } from '../../auth/auth.types';
import type { OAuthHttp } from './oauth-http';
import type { LoopbackOptions, LoopbackReceiver } from './loopback';

/** When a prompt is asked: only if an earlier answer equals (`eq`) or differs from (`neq`) a value. */
export interface PromptCondition {
  key: string;
  op: 'eq' | 'neq';
  value: string;
}

export interface TextPrompt {
  type: 'text';
  key: string;
  message: string;
  placeholder?: string;
  when?: PromptCondition;
}

export interface SelectPrompt {
  type: 'select';
  key: string;
  message: string;
  options: { label: string; value: string; hint?: string }[];
  when?: PromptCondition;
}

/** A question a client asks before a login starts; the answers arrive as `inputs`. */
export type LoginPrompt = TextPrompt | SelectPrompt;

/** What `GET /provider/auth` shows of a method. */
export interface LoginMethodInfo {
  type: 'oauth' | 'api';
  label: string;
  prompts?: LoginPrompt[];
}

/** What a finished login stores in `auth.json` for the provider. */
export type LoginCredential = OAuthInfo | ApiAuthInfo;

/** A login started by `authorize`, finished (or failed) by `complete`. */
export interface PendingLogin {
  url: string;
  method: 'auto' | 'code';
  instructions: string;
  /**
   * Waits for the login to finish (the device code granted, the browser redirected back) and
   * answers the credential; throws `LoginFailed` when it is refused, expires or is cancelled.
   * `code` is what the user pasted, when the client sent one.
   */
  complete(code: string | undefined): Promise<LoginCredential>;
  /** Stops waiting and frees what the login holds (a loopback port). Idempotent. */
  cancel(): void;
}

/** What the flows use of the outside world, so tests can replace every host with a fake. */
export interface LoginContext {
  http: OAuthHttp;
  /** Starts a local receiver for the browser's redirect. */
  loopback(options: LoopbackOptions): Promise<LoopbackReceiver>;
  /** Opens the URL in this machine's browser when there is one; never fails. */
  openBrowser(url: string): void;
  /** The process environment, for the variables the reference's logins read by name. */
  variables: Readonly<Record<string, string | undefined>>;
  /** `opencode/<version>`, sent as the reference sends it. */
  userAgent: string;
  /** Runs the Azure CLI (`az ...`) and answers its stdout; undefined when `az` is not installed. */
  azure?: (args: string[]) => Promise<string>;
  /** Aborted when the login is cancelled or replaced by a newer one. */
  signal: AbortSignal;
}

export interface LoginMethod extends LoginMethodInfo {
  /** The id the `/api` integrations name an OAuth method by, where the reference has one. */
  id?: string;
  /**
   * Checks one prompt answer before the login starts; answers the problem, or undefined when
   * the value is fine. Only answers that were given are checked, as the reference does.
   */
  validate?: Partial<Record<string, (value: string) => string | undefined>>;
  /** Starts an OAuth login (absent on API-key methods: clients store the key themselves). */
  authorize?(inputs: Record<string, string>, ctx: LoginContext): Promise<PendingLogin>;
}

/** Fresh tokens for an expired OAuth credential, where the provider hands them out. */
export type LoginRefresher = (current: OAuthInfo, ctx: LoginContext) => Promise<OAuthInfo>;

/** A provider's logins, in the order `GET /provider/auth` lists them. */
export interface ProviderLogins {
  methods: LoginMethod[];
  refresh?: LoginRefresher;
}

/**
 * A login that did not finish: refused, expired, or the provider answered something unusable.
 * The message is shown to the user; it never carries a token or a code.
 */
export class LoginFailed extends Error {}

/**
 * A prompt answer that cannot be used (a required one missing, a malformed URL), found once the
 * login starts; reported as a 400 naming the field.
 */
export class LoginInputInvalid extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** `ms` milliseconds, or less when the signal aborts first (then it rejects with `LoginFailed`). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new LoginFailed('The login was cancelled'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LoginFailed('The login was cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
