import {
  startFakeModelsDevServer,
  type FakeModelsDevServer,
} from '../support/fake-models-dev-server';
import { gitRepo, tempDir } from '../support/fixtures';
import { startOriginalServer, type OriginalServer } from '../support/original-server';
import { connectSse } from '../support/sse-client';
import { startTestApp, type TestApp } from '../support/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

jest.setTimeout(120_000);

interface Listing {
  all: Array<{ id: string; name: string; source: string; env: string[]; models: Json }>;
  default: Record<string, string>;
  connected: string[];
}

/**
 * JSON with object keys sorted: equal for equal values whatever their key order, and whichever
 * realm parsed them (`fetch` parses outside jest's).
 */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/** The providers compared field by field: the ones people use most, and each kind of package. */
const COMPARED = [
  'anthropic',
  'openai',
  'google',
  'google-vertex',
  'amazon-bedrock',
  'azure',
  'openrouter',
  'github-copilot',
  'cloudflare-ai-gateway',
  'deepinfra',
];

/*
 * The bundled catalog side by side with the original's: both servers offline, fresh HOMEs, no
 * credentials. The original is `opencode serve` of the pinned `opencode-ai` devDependency.
 */
describe('provider catalog: GET /provider as the original answers it', () => {
  let original: OriginalServer;
  let app: TestApp;
  let theirs: Listing;
  let ours: Listing;

  beforeAll(async () => {
    const home = tempDir('catalog-original-');
    original = await startOriginalServer({ home, cwd: gitRepo(), config: {} });
    app = await startTestApp();
    const response = await fetch(`${original.url}/provider`);
    theirs = (await response.json()) as Listing;
    ours = (await app.http.get('/provider').expect(200)).body as Listing;
  });
  afterAll(async () => {
    await app?.close();
    await original?.stop();
  });

  it('lists every provider of the original, in its order', () => {
    expect(theirs.all.length).toBeGreaterThanOrEqual(225);
    expect(ours.all.map((provider) => provider.id)).toEqual(
      theirs.all.map((provider) => provider.id),
    );
  });

  it('lists every model of the original', () => {
    const missing: string[] = [];
    const byId = new Map(ours.all.map((provider) => [provider.id, provider]));
    let count = 0;
    for (const provider of theirs.all) {
      for (const modelID of Object.keys(provider.models)) {
        count++;
        if (!byId.get(provider.id)?.models[modelID]) missing.push(`${provider.id}/${modelID}`);
      }
    }
    expect(count).toBeGreaterThanOrEqual(8000);
    expect(missing).toEqual([]);
  });

  it('maps every model as the original does, field by field', () => {
    const different: string[] = [];
    for (const their of theirs.all) {
      const our = ours.all.find((provider) => provider.id === their.id)!;
      for (const [modelID, model] of Object.entries<Json>(their.models)) {
        if (canonical(our.models[modelID]) !== canonical(model)) {
          different.push(`${their.id}/${modelID}`);
        }
      }
    }
    expect(different).toEqual([]);
    // The same, shown in full for a few models of the main providers.
    for (const id of COMPARED) {
      const their = theirs.all.find((provider) => provider.id === id)!;
      const our = ours.all.find((provider) => provider.id === id)!;
      const { models: theirModels, ...theirProvider } = their;
      const { models: ourModels, ...ourProvider } = our;
      expect(ourProvider).toEqual(theirProvider);
      for (const modelID of Object.keys(theirModels).slice(0, 5)) {
        expect(ourModels[modelID]).toEqual(theirModels[modelID]);
      }
    }
  });

  it('picks the same default model for every provider the original does not connect', () => {
    const different = Object.entries(theirs.default).filter(
      ([providerID, modelID]) =>
        !theirs.connected.includes(providerID) && ours.default[providerID] !== modelID,
    );
    expect(different).toEqual([]);
  });
});

describe('provider catalog: refreshed from models.dev', () => {
  let modelsDev: FakeModelsDevServer;
  let app: TestApp | undefined;
  const catalog = {
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
        },
      },
    },
  };

  beforeEach(async () => {
    modelsDev = await startFakeModelsDevServer();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await modelsDev.close();
  });

  it('fetches the catalog after start, tells clients, and answers from it', async () => {
    modelsDev.serve(catalog);
    // Late enough for the event stream below to be open when the answer arrives.
    modelsDev.delayNext(500);
    app = await startTestApp({
      env: { OPENCODE_MODELS_URL: modelsDev.url, OPENCODE_DISABLE_MODELS_FETCH: '' },
    });
    const events = connectSse(`${app.url}/global/event`);
    try {
      await events.waitFor(
        (frame) => (frame.data as Json)?.payload?.type === 'models-dev.refreshed',
        10_000,
      );
    } finally {
      events.close();
    }
    expect(modelsDev.requests.map((request) => request.path)).toEqual(['/api.json']);
    const listing = (await app.http.get('/provider').expect(200)).body as Listing;
    expect(listing.all.map((provider) => provider.id)).toEqual(['tiny']);
    expect(Object.keys(listing.all[0].models)).toEqual(['t-1']);
  });

  it('keeps the bundled catalog when models.dev fails, with one log line', async () => {
    for (let i = 0; i < 3; i++) modelsDev.failNext(500);
    app = await startTestApp({
      env: { OPENCODE_MODELS_URL: modelsDev.url, OPENCODE_DISABLE_MODELS_FETCH: '' },
      captureLogs: true,
    });
    for (let i = 0; i < 200 && !app.logs().includes('Failed to fetch models.dev'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(app.logs().match(/Failed to fetch models\.dev/g)).toHaveLength(1);
    const listing = (await app.http.get('/provider').expect(200)).body as Listing;
    expect(listing.all.length).toBeGreaterThanOrEqual(225);
  });

  it('never fetches with OPENCODE_DISABLE_MODELS_FETCH', async () => {
    app = await startTestApp({
      env: { OPENCODE_MODELS_URL: modelsDev.url, OPENCODE_DISABLE_MODELS_FETCH: 'true' },
    });
    await app.http.get('/provider').expect(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(modelsDev.requests).toEqual([]);
  });
});
