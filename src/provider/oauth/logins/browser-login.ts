import { createHash, randomBytes } from 'node:crypto';
import { LoginContext, LoginCredential, LoginFailed, PendingLogin, sleep } from '../login-method';
import type { LoopbackOptions } from '../loopback';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function randomState(): string {
  return randomBytes(32).toString('base64url');
}

export interface BrowserLoginOptions {
  loopback: LoopbackOptions;
  /** How long the browser may take. */
  timeoutMs: number;
  instructions: string;
  /** The sign-in page, given where it must send the browser back. */
  authorizeUrl(redirectUri: string): string;
  /** The `state` the redirect must carry back, when the authorize URL sent one. */
  state?: string;
  /** What the redirect's parameters are worth: usually a code exchanged for tokens. */
  finish(params: URLSearchParams, redirectUri: string): Promise<LoginCredential>;
}

/**
 * A login in the user's browser that ends with a redirect to a receiver on this machine
 * (method `auto`: the callback waits for it). Deliberate difference: when the browser runs
 * elsewhere and cannot reach that receiver, the user may paste the URL it ended on as the
 * callback's `code`; the reference has no way to finish such a login.
 */
export async function browserLogin(
  ctx: LoginContext,
  options: BrowserLoginOptions,
): Promise<PendingLogin> {
  const receiver = await ctx.loopback(options.loopback);
  const url = options.authorizeUrl(receiver.redirectUri);
  ctx.openBrowser(url);
  return {
    url,
    method: 'auto',
    instructions: options.instructions,
    complete: async (code) => {
      // Ends the timer below once the redirect came (or the login failed).
      const stop = new AbortController();
      try {
        if (code) receiver.deliver(pastedRedirect(code));
        const params = await Promise.race([
          receiver.result,
          sleep(options.timeoutMs, AbortSignal.any([ctx.signal, stop.signal])).then(() => {
            throw new LoginFailed('The browser did not come back in time: start the login again');
          }),
        ]);
        const error = params.get('error');
        if (error) {
          throw new LoginFailed(
            `The provider refused the login: ${(params.get('error_description') ?? error).slice(0, 200)}`,
          );
        }
        if (options.state !== undefined && params.get('state') !== options.state) {
          throw new LoginFailed(
            'The redirect belongs to another login attempt (state mismatch): start again',
          );
        }
        return await options.finish(params, receiver.redirectUri);
      } finally {
        stop.abort();
        receiver.close();
      }
    },
    cancel: () => receiver.close(),
  };
}

/** A pasted redirect URL (`...?code=..&state=..`), or a bare code. */
function pastedRedirect(text: string): URLSearchParams {
  const trimmed = text.trim();
  if (/^https?:\/\//.test(trimmed) && URL.canParse(trimmed)) {
    const url = new URL(trimmed);
    const params = new URLSearchParams(url.search);
    for (const [key, value] of new URLSearchParams(url.hash.slice(1))) params.set(key, value);
    return params;
  }
  const [code, state] = trimmed.split('#', 2);
  return new URLSearchParams({ code: code ?? '', ...(state && { state }) });
}
