import { PluginHookError } from '../../core/plugin/plugin-hooks';
import {
  LoginCredential,
  LoginFailed,
  LoginMethod,
  LoginPrompt,
  PendingLogin,
  ProviderLogins,
} from './login-method';

/** One plugin's `auth` hook (`AuthHook` of `@opencode-ai/plugin`), as far as it is read here. */
interface PluginAuthMethod {
  type?: unknown;
  label?: unknown;
  prompts?: unknown;
  authorize?: unknown;
}

/** What a plugin's `authorize()` answers (`AuthOAuthResult`). */
interface PluginAuthorization {
  url?: unknown;
  instructions?: unknown;
  method?: unknown;
  callback?: unknown;
}

/**
 * The logins the plugins' `auth` hooks offer, by provider: one plugin per provider, the last in
 * plugin order (the reference keys its hooks by provider, so a later plugin replaces an earlier
 * one, and a plugin replaces the built-in logins of its provider). Hooks without a `provider`
 * or `methods` are ignored.
 */
export function pluginLogins(
  hooks: ReadonlyArray<{ plugin: string; value: Record<string, unknown> }>,
): Record<string, ProviderLogins> {
  const result: Record<string, ProviderLogins> = {};
  for (const { plugin, value } of hooks) {
    if (typeof value.provider !== 'string' || !Array.isArray(value.methods)) continue;
    result[value.provider] = {
      methods: (value.methods as unknown[]).flatMap((method) =>
        isRecord(method) ? [loginMethod(plugin, method)] : [],
      ),
    };
  }
  return result;
}

function loginMethod(plugin: string, method: PluginAuthMethod): LoginMethod {
  const prompts = Array.isArray(method.prompts) ? method.prompts.filter(isRecord) : [];
  const validate: NonNullable<LoginMethod['validate']> = {};
  for (const prompt of prompts) {
    if (prompt.type === 'text' && typeof prompt.key === 'string') {
      const check = prompt.validate;
      if (typeof check === 'function') {
        validate[prompt.key] = (answer) => {
          const problem: unknown = check.call(prompt, answer);
          return typeof problem === 'string' && problem ? problem : undefined;
        };
      }
    }
  }
  const shown = prompts.map(promptInfo);
  const authorize = method.authorize;
  return {
    type: method.type === 'oauth' ? 'oauth' : 'api',
    label: typeof method.label === 'string' ? method.label : '',
    ...(shown.length > 0 && { prompts: shown }),
    ...(Object.keys(validate).length > 0 && { validate }),
    // Only OAuth methods are started through the server, as the reference: an API-key method's
    // own `authorize` runs in the client that asks for the key.
    ...(method.type === 'oauth' &&
      typeof authorize === 'function' && {
        authorize: async (inputs: Record<string, string>) =>
          startLogin(plugin, await callPlugin(plugin, () => authorize.call(method, inputs))),
      }),
  };
}

/** What `GET /provider/auth` lists of a plugin's prompt (its functions stay behind). */
function promptInfo(prompt: Record<string, unknown>): LoginPrompt {
  const when = isRecord(prompt.when) ? { when: prompt.when as unknown as LoginPrompt['when'] } : {};
  if (prompt.type === 'select') {
    return {
      type: 'select',
      key: String(prompt.key),
      message: String(prompt.message),
      options: Array.isArray(prompt.options)
        ? (prompt.options as Extract<LoginPrompt, { type: 'select' }>['options'])
        : [],
      ...when,
    };
  }
  return {
    type: 'text',
    key: String(prompt.key),
    message: String(prompt.message),
    ...(typeof prompt.placeholder === 'string' && { placeholder: prompt.placeholder }),
    ...when,
  };
}

/** The plugin's authorization as a login in progress, finished by its `callback`. */
function startLogin(plugin: string, answered: unknown): PendingLogin {
  const authorization: PluginAuthorization = isRecord(answered) ? answered : {};
  const { callback } = authorization;
  if (typeof authorization.url !== 'string' || typeof callback !== 'function') {
    throw new PluginHookError(
      plugin,
      'auth',
      new Error('authorize() must answer { url, instructions, method, callback }'),
    );
  }
  const method = authorization.method === 'code' ? 'code' : 'auto';
  return {
    url: authorization.url,
    method,
    instructions: typeof authorization.instructions === 'string' ? authorization.instructions : '',
    complete: async (code) => {
      const result = await callPlugin(plugin, () =>
        method === 'code' ? callback.call(authorization, code ?? '') : callback.call(authorization),
      );
      return credentialOf(result);
    },
    // The plugin's flow holds nothing of the server's; it ends when its callback returns.
    cancel: () => undefined,
  };
}

/**
 * What the plugin's callback answered, as stored in `auth.json`: OAuth tokens (`refresh`,
 * `access`, `expires`, and whatever else the plugin returned, such as `accountId`), or an API
 * key with its metadata. Anything but a success is a failed login.
 */
export function credentialOf(result: unknown): LoginCredential {
  if (!isRecord(result) || result.type !== 'success') {
    throw new LoginFailed('The login did not succeed');
  }
  const { type: _type, provider: _provider, ...fields } = result;
  if (typeof fields.refresh === 'string' && typeof fields.access === 'string') {
    const { refresh, access, expires, ...rest } = fields;
    return {
      ...rest,
      type: 'oauth',
      refresh,
      access,
      expires: typeof expires === 'number' ? expires : 0,
    };
  }
  if (typeof fields.key === 'string') {
    const metadata = isRecord(fields.metadata)
      ? { metadata: fields.metadata as Record<string, string> }
      : {};
    return { type: 'api', key: fields.key, ...metadata };
  }
  throw new LoginFailed('The login answered neither tokens nor a key');
}

/** Runs plugin code; what it throws is reported as a failure of its `auth` hook. */
async function callPlugin(plugin: string, run: () => unknown): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    throw new PluginHookError(plugin, 'auth', error);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
