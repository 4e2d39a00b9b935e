import type { LanguageModelV3 } from '@ai-sdk/provider';
import { fakeCallCredentials } from '../../test/support/fake-call-credentials';
import { AppEnvironment } from '../core/config/app-environment';
import { NpmInstaller } from '../core/npm/npm-installer';
import {
  bedrockModelId,
  bedrockSettings,
  connectsWithoutKey,
  environmentKey,
} from './provider-credentials';
import { BUNDLED_PACKAGES } from './provider-packages';
import type { ModelInfo, ProviderInfo } from './provider.types';
import { createLanguageModel, type ModelContext } from './sdk';

const modalities = { text: true, audio: false, image: false, video: false, pdf: false };

function modelOf(providerID: string, id: string, npm: string, url = ''): ModelInfo {
  return {
    id,
    providerID,
    api: { id, url, npm },
    name: id,
    capabilities: {
      temperature: true,
      reasoning: false,
      attachment: false,
      toolcall: true,
      input: modalities,
      output: modalities,
      interleaved: false,
    },
    cost: { input: 0, output: 0, cache: { read: 0, write: 0 } },
    limit: { context: 0, output: 0 },
    status: 'active',
    options: {},
    headers: {},
    release_date: '',
  };
}

function providerOf(id: string, options: Record<string, unknown> = {}, env: string[] = []) {
  return { id, name: id, source: 'config', env, options, models: {} } satisfies ProviderInfo;
}

/** An installer that must not be asked: every package here is bundled. */
const noInstalls = {
  load: () => Promise.reject(new Error('nothing should be installed')),
} as unknown as NpmInstaller;

const context = (
  variables: Record<string, string> = {},
  installer: NpmInstaller = noInstalls,
): ModelContext => ({ variables, installer, credentials: fakeCallCredentials() });

/** The settings each bundled package needs to build a model offline, by npm name. */
const SETUP: Record<string, { providerID: string; variables?: Record<string, string> }> = {
  '@ai-sdk/amazon-bedrock': {
    providerID: 'amazon-bedrock',
    variables: { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret' },
  },
  '@ai-sdk/amazon-bedrock/mantle': {
    providerID: 'amazon-bedrock',
    variables: { AWS_BEARER_TOKEN_BEDROCK: 'bearer' },
  },
  '@ai-sdk/azure': { providerID: 'azure', variables: { AZURE_RESOURCE_NAME: 'res' } },
  '@ai-sdk/google-vertex': { providerID: 'google-vertex', variables: { GCP_PROJECT: 'proj' } },
  '@ai-sdk/google-vertex/anthropic': {
    providerID: 'google-vertex-anthropic',
    variables: { GOOGLE_CLOUD_PROJECT: 'proj' },
  },
};

describe('provider packages', () => {
  it.each(Object.keys(BUNDLED_PACKAGES))(
    '%s loads on demand and creates a v3 language model',
    async (npm) => {
      const setup = SETUP[npm] ?? { providerID: 'custom' };
      const provider = providerOf(setup.providerID, { baseURL: 'http://127.0.0.1:9/v1' });
      const model = await createLanguageModel(
        provider,
        modelOf(provider.id, 'some-model', npm),
        { type: 'key', apiKey: 'k' },
        context(setup.variables),
      );
      expect(model.specificationVersion).toBe('v3');
      expect(model.modelId).toBe('some-model');
    },
  );

  it('calls OpenAI and xAI through the Responses API, Azure chat when asked', async () => {
    const responses = async (providerID: string, npm: string, options = {}) =>
      (
        await createLanguageModel(
          providerOf(providerID, options),
          modelOf(providerID, 'gpt-5', npm),
          { type: 'key', apiKey: 'k' },
          context({ AZURE_RESOURCE_NAME: 'res' }),
        )
      ).provider;
    expect(await responses('openai', '@ai-sdk/openai')).toBe('openai.responses');
    expect(await responses('xai', '@ai-sdk/xai')).toBe('xai.responses');
    expect(await responses('azure', '@ai-sdk/azure')).toBe('azure.responses');
    expect(await responses('azure', '@ai-sdk/azure', { useCompletionUrls: true })).toBe(
      'azure.chat',
    );
  });

  it('asks Bedrock for the inference profile of the region', async () => {
    const bedrock = (region: string) =>
      createLanguageModel(
        providerOf('amazon-bedrock', { region }),
        modelOf('amazon-bedrock', 'anthropic.claude-sonnet-4-5', '@ai-sdk/amazon-bedrock'),
        { type: 'key', apiKey: 'bearer' },
        context(),
      );
    expect((await bedrock('us-east-1')).modelId).toBe('us.anthropic.claude-sonnet-4-5');
    expect((await bedrock('eu-west-1')).modelId).toBe('eu.anthropic.claude-sonnet-4-5');
    expect((await bedrock('ap-southeast-2')).modelId).toBe('au.anthropic.claude-sonnet-4-5');
  });

  it('fills ${VARIABLES} of a base URL from the provider settings and the environment', async () => {
    const load = jest.fn(() =>
      Promise.resolve({
        createCustom: (settings: { baseURL: string }) => ({
          languageModel: (id: string) => ({ modelId: id, baseURL: settings.baseURL }),
        }),
      }),
    );
    const installer = { load } as unknown as NpmInstaller;
    const model = (await createLanguageModel(
      providerOf('cloudflare-workers-ai'),
      modelOf(
        'cloudflare-workers-ai',
        'm',
        'custom-ai-provider',
        'https://api.example.com/accounts/${CLOUDFLARE_ACCOUNT_ID}/ai/v1',
      ),
      { type: 'key', apiKey: 'k' },
      context({ CLOUDFLARE_ACCOUNT_ID: 'acct-1' }, installer),
    )) as LanguageModelV3 & { baseURL: string };
    expect(model.baseURL).toBe('https://api.example.com/accounts/acct-1/ai/v1');
    // Packages the server does not bundle come from the installer, first `create*` export.
    expect(load).toHaveBeenCalledWith('custom-ai-provider');
  });

  it('installs unbundled packages into the cache, failing with a named error offline', async () => {
    const installer = new NpmInstaller(
      new AppEnvironment({
        HOME: '/nonexistent',
        PATH: process.env.PATH,
        XDG_CACHE_HOME: '/nonexistent/cache',
      }),
    );
    await expect(
      createLanguageModel(
        providerOf('venice'),
        modelOf('venice', 'm', 'bad name!'),
        { type: 'key', apiKey: 'k' },
        context({}, installer),
      ),
    ).rejects.toMatchObject({ name: 'NpmInstallFailedError', data: { package: 'bad name!' } });
  });

  it('asks for the Azure resource name when there is none', async () => {
    await expect(
      createLanguageModel(
        providerOf('azure'),
        modelOf('azure', 'gpt-5', '@ai-sdk/azure'),
        { type: 'key', apiKey: 'k' },
        context(),
      ),
    ).rejects.toMatchObject({
      name: 'ProviderInitError',
      data: { message: expect.stringContaining('AZURE_RESOURCE_NAME is missing') },
    });
    // A resource name stored with the key (an Azure login) is enough.
    const model = await createLanguageModel(
      providerOf('azure'),
      modelOf('azure', 'gpt-5', '@ai-sdk/azure'),
      { type: 'key', apiKey: 'k', metadata: { resourceName: 'stored' } },
      context(),
    );
    expect(model.provider).toBe('azure.responses');
  });
});

describe('provider credentials', () => {
  it('finds the key among several variables by name, and only the bearer token for Bedrock', () => {
    const azure = providerOf('azure', {}, ['AZURE_RESOURCE_NAME', 'AZURE_API_KEY']);
    expect(environmentKey(azure, { AZURE_RESOURCE_NAME: 'res' })).toBeUndefined();
    expect(environmentKey(azure, { AZURE_RESOURCE_NAME: 'res', AZURE_API_KEY: 'k' })).toBe('k');
    const google = providerOf('google', {}, ['GOOGLE_API_KEY', 'GEMINI_API_KEY']);
    expect(environmentKey(google, { GEMINI_API_KEY: 'g' })).toBe('g');
    const bedrock = providerOf('amazon-bedrock', {}, [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_REGION',
      'AWS_BEARER_TOKEN_BEDROCK',
    ]);
    expect(environmentKey(bedrock, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 's' })).toBe(
      undefined,
    );
    expect(environmentKey(bedrock, { AWS_BEARER_TOKEN_BEDROCK: 'b' })).toBe('b');
  });

  it('connects Bedrock by the AWS chain, Vertex by project, local servers by base URL', () => {
    const bedrock = providerOf('amazon-bedrock');
    expect(connectsWithoutKey(bedrock, {}, false)).toBe(false);
    expect(connectsWithoutKey(bedrock, { AWS_REGION: 'us-east-1' }, false)).toBe(false);
    expect(connectsWithoutKey(bedrock, { AWS_PROFILE: 'dev' }, false)).toBe(true);
    expect(
      connectsWithoutKey(bedrock, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 's' }, false),
    ).toBe(true);
    expect(connectsWithoutKey(bedrock, { AWS_WEB_IDENTITY_TOKEN_FILE: '/t' }, false)).toBe(true);
    expect(connectsWithoutKey(providerOf('amazon-bedrock', { profile: 'p' }), {}, true)).toBe(true);
    const vertex = providerOf('google-vertex');
    expect(connectsWithoutKey(vertex, { GOOGLE_APPLICATION_CREDENTIALS: '/k.json' }, false)).toBe(
      false,
    );
    expect(connectsWithoutKey(vertex, { GOOGLE_CLOUD_PROJECT: 'p' }, false)).toBe(true);
    const lmstudio = providerOf('lmstudio', { baseURL: 'http://127.0.0.1:1234/v1' });
    expect(connectsWithoutKey(lmstudio, {}, true)).toBe(true);
    expect(connectsWithoutKey(providerOf('lmstudio'), {}, false)).toBe(false);
  });

  it('takes Bedrock credentials in the reference order', () => {
    const keys = { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' };
    expect(bedrockSettings({}, { type: 'key', apiKey: 'b' }, keys)).toEqual({
      region: 'us-east-1',
      apiKey: 'b',
      useCredentialChain: false,
    });
    expect(bedrockSettings({ region: 'eu-west-1' }, { type: 'none' }, keys)).toEqual({
      region: 'eu-west-1',
      accessKeyId: 'a',
      secretAccessKey: 's',
      sessionToken: 't',
      useCredentialChain: false,
    });
    // A profile goes through the AWS chain, which then ignores the environment's keys.
    expect(bedrockSettings({}, { type: 'none' }, { ...keys, AWS_PROFILE: 'dev' })).toEqual({
      region: 'us-east-1',
      profile: 'dev',
      useCredentialChain: true,
    });
  });

  it('prefixes Bedrock model ids as the reference does', () => {
    expect(bedrockModelId('anthropic.claude-3', 'us-gov-west-1')).toBe('anthropic.claude-3');
    expect(bedrockModelId('amazon.nova-pro-v1:0', 'ap-northeast-1')).toBe(
      'jp.amazon.nova-pro-v1:0',
    );
    expect(bedrockModelId('anthropic.claude-3', 'ap-south-1')).toBe('apac.anthropic.claude-3');
    expect(bedrockModelId('global.anthropic.claude-3', 'eu-west-1')).toBe(
      'global.anthropic.claude-3',
    );
    expect(bedrockModelId('meta.llama3-70b', 'us-east-1')).toBe('meta.llama3-70b');
  });
});
