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

describe('provider loaders of the reference', () => {
  /** An installer whose one package records the settings it is created with. */
  const fakePackage = (sdk: (settings: Record<string, unknown>) => unknown) => {
    const created: Record<string, unknown>[] = [];
    const installer = {
      load: () =>
        Promise.resolve({
          createThing: (settings: Record<string, unknown>) => {
            created.push(settings);
            return sdk(settings);
          },
        }),
    } as unknown as NpmInstaller;
    return { installer, created };
  };
  const stub = (id: string, how: string) => ({ modelId: id, how }) as unknown as LanguageModelV3;

  it('picks Copilot chat or Responses per model, as the reference', async () => {
    const copilot = async (modelID: string, options: Record<string, unknown> = {}) =>
      (
        await createLanguageModel(
          providerOf('github-copilot', { baseURL: 'http://127.0.0.1:9' }),
          { ...modelOf('github-copilot', modelID, '@ai-sdk/github-copilot'), options },
          { type: 'key', apiKey: 'k' },
          context(),
        )
      ).provider;
    expect(await copilot('gpt-5.4')).toBe('copilot.responses');
    expect(await copilot('gpt-5-mini')).toBe('copilot.chat');
    expect(await copilot('claude-sonnet-4.6')).toBe('copilot.chat');
    expect(await copilot('claude-sonnet-4.6', { endpoint: 'responses' })).toBe('copilot.responses');
  });

  it('calls GitLab Duo through agentic chat, flows through workflow chat', async () => {
    const calls: unknown[][] = [];
    const { installer, created } = fakePackage(() => ({
      agenticChat: (id: string, options: unknown) => (calls.push([id, options]), stub(id, 'chat')),
      workflowChat: (id: string, options: unknown) => (calls.push([id, options]), stub(id, 'flow')),
    }));
    const gitlab = (modelID: string, options: Record<string, unknown> = {}) =>
      createLanguageModel(
        providerOf('gitlab', { featureFlags: { extra: true } }),
        { ...modelOf('gitlab', modelID, 'gitlab-ai-provider'), options },
        { type: 'key', apiKey: 'glpat', metadata: { instanceUrl: 'https://git.example.com' } },
        context({}, installer),
      );
    expect(await gitlab('duo-chat-gpt-5')).toMatchObject({ how: 'chat' });
    expect(created[0]).toMatchObject({
      apiKey: 'glpat',
      instanceUrl: 'https://git.example.com',
      featureFlags: {
        duo_agent_platform: true,
        duo_agent_platform_agentic_chat: true,
        extra: true,
      },
      aiGatewayHeaders: { 'anthropic-beta': 'context-1m-2025-08-07' },
    });
    expect(calls[0][1]).toMatchObject({ featureFlags: { extra: true } });
    const flow = await gitlab('duo-workflow-custom', { workflowRef: 'ref-1' });
    expect(flow).toMatchObject({ how: 'flow', modelId: 'duo-workflow', selectedModelRef: 'ref-1' });
  });

  it('calls SAP AI Core models by calling its package, with the key from the environment only', async () => {
    const sap = Object.assign((id: string) => stub(id, 'sap'), { languageModel: jest.fn() });
    const { installer, created } = fakePackage(() => sap);
    const call = (apiKey: string) =>
      createLanguageModel(
        providerOf('sap-ai-core'),
        modelOf('sap-ai-core', 'gpt-5', '@jerome-benoit/sap-ai-provider-v2'),
        { type: 'key', apiKey },
        context({ AICORE_SERVICE_KEY: '{"k":1}', AICORE_RESOURCE_GROUP: 'rg' }, installer),
      );
    expect(await call('{"k":1}')).toMatchObject({ how: 'sap', modelId: 'gpt-5' });
    expect(created[0]).toMatchObject({ resourceGroup: 'rg' });
    await expect(call('{"stored":1}')).rejects.toMatchObject({ name: 'ProviderInitError' });
  });

  it('needs a Cloudflare account, from the environment or stored with the key', async () => {
    const workers = (variables: Record<string, string>, metadata?: Record<string, string>) =>
      createLanguageModel(
        providerOf('cloudflare-workers-ai'),
        modelOf(
          'cloudflare-workers-ai',
          '@cf/m',
          '@ai-sdk/openai-compatible',
          'http://127.0.0.1:9/client/v4/accounts/${CLOUDFLARE_ACCOUNT_ID}/ai/v1',
        ),
        { type: 'key', apiKey: 'k', ...(metadata && { metadata }) },
        context(variables),
      );
    await expect(workers({})).rejects.toMatchObject({
      data: { message: expect.stringContaining('CLOUDFLARE_ACCOUNT_ID is missing') },
    });
    expect((await workers({}, { accountId: 'stored' })).modelId).toBe('@cf/m');
    expect((await workers({ CLOUDFLARE_ACCOUNT_ID: 'env' })).modelId).toBe('@cf/m');
  });

  it('needs a Snowflake account and token, and calls the account API', async () => {
    const snowflake = (variables: Record<string, string>, apiKey?: string) =>
      createLanguageModel(
        providerOf('snowflake-cortex'),
        modelOf('snowflake-cortex', 'claude-sonnet-4-6', '@ai-sdk/openai-compatible'),
        apiKey ? { type: 'key', apiKey } : { type: 'none' },
        context(variables),
      );
    await expect(snowflake({ SNOWFLAKE_ACCOUNT: 'acct' })).rejects.toMatchObject({
      data: { message: expect.stringContaining('missing credentials (SNOWFLAKE_CORTEX_TOKEN)') },
    });
    expect((await snowflake({ SNOWFLAKE_ACCOUNT: 'acct' }, 'pat')).modelId).toBe(
      'claude-sonnet-4-6',
    );
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
