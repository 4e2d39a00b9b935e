import { PluginHookError } from '../../core/plugin/plugin-hooks';
import { LoginFailed } from './login-method';
import { credentialOf, pluginLogins } from './plugin-logins';

describe('plugin logins', () => {
  it('keys logins by provider, the last plugin winning, and keeps prompt functions out of the listing', () => {
    const validate = (value: string) => (value ? undefined : 'required');
    const logins = pluginLogins([
      { plugin: 'a', value: { provider: 'x', methods: [{ type: 'api', label: 'old' }] } },
      {
        plugin: 'b',
        value: {
          provider: 'x',
          methods: [
            {
              type: 'oauth',
              label: 'new',
              prompts: [{ type: 'text', key: 'k', message: 'K?', validate }],
              authorize: () => Promise.resolve({}),
            },
          ],
        },
      },
      { plugin: 'c', value: { methods: [] } },
    ]);
    expect(Object.keys(logins)).toEqual(['x']);
    const [method] = logins.x.methods;
    expect(method).toMatchObject({
      type: 'oauth',
      label: 'new',
      prompts: [{ type: 'text', key: 'k', message: 'K?' }],
    });
    expect(method.prompts?.[0]).not.toHaveProperty('validate');
    expect(method.validate?.k?.('')).toBe('required');
    expect(method.validate?.k?.('v')).toBeUndefined();
  });

  it("reports what authorize() throws or answers wrongly as the plugin's auth hook failing", async () => {
    const logins = pluginLogins([
      {
        plugin: 'p',
        value: {
          provider: 'x',
          methods: [
            { type: 'oauth', label: 'throws', authorize: () => Promise.reject(new Error('boom')) },
            {
              type: 'oauth',
              label: 'no url',
              authorize: () => Promise.resolve({ method: 'auto' }),
            },
          ],
        },
      },
    ]);
    const [throws, noUrl] = logins.x.methods;
    await expect(throws.authorize!({}, undefined as never)).rejects.toThrow(PluginHookError);
    await expect(throws.authorize!({}, undefined as never)).rejects.toThrow(/boom/);
    await expect(noUrl.authorize!({}, undefined as never)).rejects.toThrow(PluginHookError);
  });

  it('stores tokens with the extra fields, or a key with its metadata; anything else failed', () => {
    expect(
      credentialOf({
        type: 'success',
        provider: 'other',
        refresh: 'r',
        access: 'a',
        expires: 5,
        accountId: 'acc',
      }),
    ).toEqual({ type: 'oauth', refresh: 'r', access: 'a', expires: 5, accountId: 'acc' });
    expect(credentialOf({ type: 'success', key: 'k', metadata: { m: '1' } })).toEqual({
      type: 'api',
      key: 'k',
      metadata: { m: '1' },
    });
    expect(() => credentialOf({ type: 'failed' })).toThrow(LoginFailed);
    expect(() => credentialOf(undefined)).toThrow(LoginFailed);
    expect(() => credentialOf({ type: 'success' })).toThrow(LoginFailed);
  });
});
