import type { AuthService } from '../auth/auth.service';
import type { AuthInfo, OAuthInfo } from '../auth/auth.types';
import { type CredentialSource, ProviderCredentials } from './provider-credentials.service';

/** auth.json as a map, written by `set`: a new object per write, as the real store. */
function fakeAuthFile(initial: Record<string, AuthInfo>) {
  let entries: Readonly<Record<string, AuthInfo>> = initial;
  return {
    all: () => Promise.resolve(entries),
    set: (providerID: string, info: AuthInfo) => {
      entries = { ...entries, [providerID]: info };
      return Promise.resolve(true);
    },
  };
}

function fakeSource(initial: Record<string, AuthInfo>) {
  let entries: Readonly<Record<string, AuthInfo>> = initial;
  const source: CredentialSource & { replaced: string[] } = {
    replaced: [],
    all: () => entries,
    replaceTokens: (providerID, tokens) => {
      source.replaced.push(providerID);
      entries = { ...entries, [providerID]: tokens };
    },
  };
  return source;
}

const tokens = (access: string): OAuthInfo => ({
  type: 'oauth',
  access,
  refresh: 'r',
  expires: 1,
});

describe('ProviderCredentials', () => {
  it('answers auth.json alone, as it is, until a source is registered', async () => {
    const file = fakeAuthFile({ openai: { type: 'api', key: 'file-key' } });
    const credentials = new ProviderCredentials(file as unknown as AuthService);
    expect(await credentials.all()).toBe(await file.all());
  });

  it('lets a registered (/api) credential win over the auth.json entry of the same provider', async () => {
    const file = fakeAuthFile({
      openai: { type: 'api', key: 'file-key' },
      anthropic: { type: 'api', key: 'file-only' },
    });
    const credentials = new ProviderCredentials(file as unknown as AuthService);
    credentials.registerSource(fakeSource({ openai: { type: 'api', key: 'api-key' } }));
    expect(await credentials.all()).toEqual({
      openai: { type: 'api', key: 'api-key' },
      anthropic: { type: 'api', key: 'file-only' },
    });
    expect(await credentials.get('openai')).toEqual({ type: 'api', key: 'api-key' });
  });

  it('answers the same object while neither store changed, a new one after a change', async () => {
    const file = fakeAuthFile({ a: { type: 'api', key: '1' } });
    const source = fakeSource({ b: { type: 'api', key: '2' } });
    const credentials = new ProviderCredentials(file as unknown as AuthService);
    credentials.registerSource(source);
    const first = await credentials.all();
    expect(await credentials.all()).toBe(first);
    source.replaceTokens('b', tokens('new'));
    expect(await credentials.all()).not.toBe(first);
  });

  it('stores refreshed tokens in the store the credential in use came from', async () => {
    const file = fakeAuthFile({ github: tokens('old-file'), openai: tokens('old-file') });
    const source = fakeSource({ openai: tokens('old-api') });
    const credentials = new ProviderCredentials(file as unknown as AuthService);
    credentials.registerSource(source);
    await credentials.replaceTokens('openai', tokens('fresh-api'));
    await credentials.replaceTokens('github', tokens('fresh-file'));
    expect(source.replaced).toEqual(['openai']);
    expect((await file.all()).github).toEqual(tokens('fresh-file'));
    expect((await file.all()).openai).toEqual(tokens('old-file'));
    expect(await credentials.get('openai')).toEqual(tokens('fresh-api'));
  });
});
