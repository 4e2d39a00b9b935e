import { Logger } from '@nestjs/common';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startFakeModelsDevServer,
  type FakeModelsDevServer,
} from '../../../test/support/fake-models-dev-server';
import { tempDir } from '../../../test/support/fixtures';
import type { BusService } from '../../core/bus/bus.service';
import { AppEnvironment } from '../../core/config/app-environment';
import { ModelsDevService } from './models-dev.service';

/** A catalog of one provider with one model and one mode. */
const tiny = {
  tiny: {
    id: 'tiny',
    name: 'Tiny AI',
    env: ['TINY_API_KEY'],
    npm: '@ai-sdk/openai-compatible',
    api: 'https://tiny.example/v1',
    models: {
      't-1': {
        id: 't-1',
        name: 'T 1',
        release_date: '2026-01-01',
        attachment: false,
        reasoning: false,
        tool_call: true,
        limit: { context: 1000, output: 100 },
        cost: { input: 1, output: 2 },
        experimental: {
          modes: { fast: { cost: { input: 2, output: 4 }, provider: { body: { speed: 'fast' } } } },
        },
      },
    },
  },
};

describe('ModelsDevService', () => {
  let server: FakeModelsDevServer;
  let home: string;
  let published: string[];
  let warnings: string[];

  const service = (variables: Record<string, string> = {}) => {
    const env = new AppEnvironment(
      { HOME: home, XDG_CACHE_HOME: join(home, 'cache'), ...variables },
      home,
    );
    const bus = {
      publish: (_source: unknown, type: string) => published.push(type),
    } as unknown as BusService;
    return new ModelsDevService(env, bus);
  };
  const fetching = () => service({ OPENCODE_MODELS_URL: server.url });

  beforeEach(async () => {
    server = await startFakeModelsDevServer();
    server.serve(tiny);
    home = tempDir('models-dev-');
    published = [];
    warnings = [];
    jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation((message: unknown) => void warnings.push(String(message)));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await server.close();
  });

  it('reads the bundled snapshot when nothing was fetched: the whole catalog, mapped', async () => {
    const catalog = await service().get();
    expect(Object.keys(catalog.providers).length).toBeGreaterThanOrEqual(225);
    expect(catalog.source.anthropic).toEqual({
      id: 'anthropic',
      name: 'Anthropic',
      env: ['ANTHROPIC_API_KEY'],
      npm: '@ai-sdk/anthropic',
    });
    expect(catalog.providers.anthropic.models['claude-opus-4-8-fast']).toMatchObject({
      id: 'claude-opus-4-8-fast',
      api: { id: 'claude-opus-4-8', npm: '@ai-sdk/anthropic' },
      name: 'Claude Opus 4.8 Fast',
      options: { speed: 'fast' },
      headers: { 'anthropic-beta': 'fast-mode-2026-02-01' },
    });
  });

  it('reads once and shares the catalog between callers', async () => {
    const models = service();
    const [first, second] = await Promise.all([models.get(), models.get()]);
    expect(first).toBe(second);
    expect(await models.get()).toBe(first);
  });

  it('reads OPENCODE_MODELS_PATH instead, and keeps it when it is not a catalog', async () => {
    const file = join(home, 'api.json');
    writeFileSync(file, JSON.stringify(tiny));
    const catalog = await service({ OPENCODE_MODELS_PATH: file }).get();
    expect(Object.keys(catalog.providers)).toEqual(['tiny']);

    writeFileSync(file, 'not json');
    const fallback = await service({ OPENCODE_MODELS_PATH: file }).get();
    expect(fallback.providers.anthropic).toBeDefined();
    expect(readFileSync(file, 'utf8')).toBe('not json');
    expect(warnings).toHaveLength(1);
  });

  it('fetches <OPENCODE_MODELS_URL>/api.json into the cache dir; the next read answers it', async () => {
    const models = fetching();
    const before = await models.get();
    expect(await models.refresh()).toBe(true);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].path).toBe('/api.json');
    expect(server.requests[0].headers['user-agent']).toMatch(/^opencode\//);
    expect(models.cacheFile).toMatch(/[/\\]cache[/\\]opencode[/\\]models-[0-9a-f]{16}\.json$/);
    expect(JSON.parse(readFileSync(models.cacheFile, 'utf8'))).toEqual(tiny);
    expect(published).toEqual(['models-dev.refreshed']);

    const after = await models.get();
    expect(after).not.toBe(before);
    expect(Object.keys(after.providers.tiny.models)).toEqual(['t-1', 't-1-fast']);
    expect(after.providers.tiny.models['t-1-fast']).toMatchObject({
      name: 'T 1 Fast',
      cost: { input: 2, output: 4 },
      options: { speed: 'fast' },
    });
    // A later server reads the cached copy.
    expect(Object.keys((await fetching().get()).providers)).toEqual(['tiny']);
  });

  it('keeps a cached copy younger than five minutes unless forced', async () => {
    const models = fetching();
    expect(await models.refresh()).toBe(true);
    expect(await models.refresh()).toBe(false);
    expect(server.requests).toHaveLength(1);
    expect(await models.refresh(true)).toBe(true);
    expect(server.requests).toHaveLength(2);

    const old = new Date(Date.now() - 6 * 60_000);
    utimesSync(models.cacheFile, old, old);
    expect(await models.refresh()).toBe(true);
    expect(server.requests).toHaveLength(3);
  });

  it('retries a failing models.dev twice, then keeps what it has and logs one line', async () => {
    const models = fetching();
    await models.refresh();
    const cached = await models.get();
    for (let i = 0; i < 3; i++) server.failNext(503);
    expect(await models.refresh(true)).toBe(false);
    expect(server.requests).toHaveLength(4);
    expect(await models.get()).toBe(cached);
    expect(JSON.parse(readFileSync(models.cacheFile, 'utf8'))).toEqual(tiny);
    expect(warnings).toEqual(['Failed to fetch models.dev: HTTP 503']);
    expect(published).toEqual(['models-dev.refreshed']);
  });

  it('does not retry an answer that will not change (404), nor leave temporary files', async () => {
    const models = fetching();
    server.failNext(404);
    expect(await models.refresh()).toBe(false);
    expect(server.requests).toHaveLength(1);
    expect((await models.get()).providers.anthropic).toBeDefined();
    expect(readdirSync(join(home, 'cache', 'opencode'))).toEqual([]);
  });

  it('follows redirects', async () => {
    const models = fetching();
    server.redirectNext('/api.json');
    expect(await models.refresh()).toBe(true);
    expect(server.requests.map((request) => request.path)).toEqual(['/api.json', '/api.json']);
  });

  it('removes a cached copy that is not a catalog and reads the snapshot', async () => {
    const models = fetching();
    mkdirSync(join(home, 'cache', 'opencode'), { recursive: true });
    writeFileSync(models.cacheFile, '{"truncated":');
    expect((await models.get()).providers.anthropic).toBeDefined();
    expect(() => readFileSync(models.cacheFile)).toThrow(/ENOENT/);
    expect(warnings).toHaveLength(1);
  });

  it('uses models.json for the reference host, as the reference does', () => {
    expect(service().cacheFile).toBe(join(home, 'cache', 'opencode', 'models.json'));
  });

  it('fetches after start unless OPENCODE_DISABLE_MODELS_FETCH, and stops on shutdown', async () => {
    const disabled = service({
      OPENCODE_MODELS_URL: server.url,
      OPENCODE_DISABLE_MODELS_FETCH: '1',
    });
    disabled.onApplicationBootstrap();
    const enabled = fetching();
    enabled.onApplicationBootstrap();
    for (let i = 0; i < 100 && published.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(published).toEqual(['models-dev.refreshed']);
    expect(server.requests).toHaveLength(1);
    enabled.onApplicationShutdown();
    disabled.onApplicationShutdown();
  });
});
