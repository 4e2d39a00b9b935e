import type { Config } from '../config/config.schema';
import { providerCatalog } from './catalog/catalog-mapping';
import { readSnapshot } from './catalog/models-dev';
import { pluginProviders, type PluginObject } from './plugin-providers';
import { buildProviderRegistry } from './provider-registry';

const catalog = providerCatalog(readSnapshot());
const config = {} as Config;

function context(overrides: { config?: Config; auth?: Record<string, never> } = {}) {
  const warnings: string[] = [];
  return {
    warnings,
    value: {
      config: overrides.config ?? config,
      auth: overrides.auth ?? {},
      catalog,
      getAuth: () => Promise.resolve(undefined),
      warn: (message: string) => warnings.push(message),
    },
  };
}

describe('plugin providers', () => {
  it('answers nothing when no plugin has a provider hook or an auth loader', async () => {
    const { value } = context();
    await expect(
      pluginProviders([], [{ plugin: 'p', value: { provider: 'x' } }], value),
    ).resolves.toBeUndefined();
  });

  it('replaces catalog model lists only, skips disabled providers, and logs a hook that throws', async () => {
    const hooks: PluginObject[] = [
      { plugin: 'p', value: { id: 'zai', models: () => ({ mine: { name: 'Mine' } }) } },
      { plugin: 'p', value: { id: 'not-in-catalog', models: () => ({ x: {} }) } },
      { plugin: 'q', value: { id: 'groq', models: () => Promise.reject(new Error('offline')) } },
      { plugin: 'r', value: { id: 'deepseek', models: () => ({ y: {} }) } },
    ];
    const { value, warnings } = context({
      config: { disabled_providers: ['deepseek'] } as Config,
    });
    const result = await pluginProviders(hooks, [], value);
    expect(Object.keys(result!.models)).toEqual(['zai']);
    expect(result!.models.zai.mine).toMatchObject({
      id: 'mine',
      providerID: 'zai',
      name: 'Mine',
      api: { id: 'mine', npm: catalog.source.zai.npm },
    });
    expect(warnings).toEqual(['plugin q failed to list the models of groq: offline']);

    const registry = buildProviderRegistry(config, {}, { ZHIPU_API_KEY: 'k' }, catalog, result);
    expect(Object.keys(registry.connected.zai.models)).toEqual(['mine']);
  });

  it("runs loaders only for providers with stored credentials; the loader's key is the credential, not an option", async () => {
    const loader = jest.fn(() => Promise.resolve({ apiKey: 'from-loader', baseURL: 'http://x' }));
    const { value } = context({ auth: { zai: { type: 'api', key: 'stored' } } as never });
    const result = await pluginProviders(
      [],
      [
        { plugin: 'p', value: { provider: 'zai', loader } },
        { plugin: 'p', value: { provider: 'groq', loader } },
      ],
      value,
    );
    expect(loader).toHaveBeenCalledTimes(1);
    const registry = buildProviderRegistry(config, value.auth, {}, catalog, result);
    expect(registry.connected.zai.source).toBe('custom');
    expect(registry.connected.zai.options).toEqual({ baseURL: 'http://x' });
    expect(registry.credentials.get('zai')).toEqual({ type: 'key', apiKey: 'from-loader' });
  });
});
