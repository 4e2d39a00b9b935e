import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isTitleRequest,
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';
import { startFakeModelServer, type FakeModelServer } from '../support/fake-model-server';
import { gitRepo, tempDir, writeFiles } from '../support/fixtures';

/*
 * The plugin hooks of the provider and compaction areas, over real HTTP: `auth` (login methods
 * listed and run, the stored credential used through the plugin's loader), `provider` (a
 * catalog provider's model list), `experimental.provider.small_model` (the title model),
 * `experimental.session.compacting` and `experimental.compaction.autocontinue`, and
 * `engines.opencode` of npm plugins. The plugin logs what its hooks receive into the project.
 */

const TIGHT = { providerID: 'fake', modelID: 'fake-tight' };
/** Usage that fills `fake-tight`'s context (1,000 tokens, 100 kept for the answer). */
const FULL = { prompt_tokens: 880, completion_tokens: 20 };

const PLUGIN = `
import type { Plugin } from '@opencode-ai/plugin';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const ProviderHooks: Plugin = async ({ directory }) => {
  const log = (hook: string, data: unknown) =>
    appendFileSync(join(directory, 'hooks.log'), JSON.stringify({ hook, data }) + '\\n');
  return {
    auth: {
      provider: 'fake-auth',
      loader: async (getAuth, provider) => {
        const auth = await getAuth();
        log('auth.loader', { type: auth.type, provider: provider.id });
        if (auth.type !== 'oauth') return {};
        return {
          apiKey: auth.access,
          headers: { 'x-plugin-header': 'from-loader' },
          fetch: (input: RequestInfo | URL, init?: RequestInit) => {
            const headers = new Headers(init?.headers);
            headers.set('x-plugin-fetch', 'signed');
            return fetch(input, { ...init, headers });
          },
        };
      },
      methods: [
        {
          type: 'oauth',
          label: 'Plugin login',
          prompts: [
            {
              type: 'text',
              key: 'team',
              message: 'Your team',
              placeholder: 'acme',
              validate: (value) => (/^[a-z]+$/.test(value) ? undefined : 'Team must be lowercase letters'),
            },
          ],
          async authorize(inputs) {
            log('authorize', inputs);
            return {
              url: 'https://login.example.test/authorize?team=' + inputs?.team,
              instructions: 'Paste the code',
              method: 'code',
              async callback(code) {
                return code === 'good-code'
                  ? { type: 'success', access: 'access-' + code, refresh: 'refresh-token', expires: Date.now() + 3_600_000, accountId: 'acct-1' }
                  : { type: 'failed' };
              },
            };
          },
        },
        { type: 'api', label: 'Plugin API key' },
      ],
    },
    provider: {
      id: 'zai',
      models: async (provider, ctx) => {
        log('provider.models', { provider: provider.id, auth: ctx.auth ?? null });
        const first = Object.values(provider.models)[0];
        return {
          'plugin-glm': { ...first, name: 'Plugin GLM', api: { ...first.api, id: 'plugin-glm-api' } },
          // Partial: what is left out is filled in.
          'plugin-lite': { name: 'Plugin Lite' } as never,
        };
      },
    },
    'experimental.provider.small_model': async (input, output) => {
      log('small_model', { provider: input.provider.id });
      if (input.provider.id === 'fake') output.model = input.provider.models['fake-small'];
    },
    'experimental.session.compacting': async (input, output) => {
      log('compacting', input);
      output.context.push('PLUGIN CONTEXT: keep ticket 4711.');
      if (existsSync(join(directory, 'replace-prompt'))) output.prompt = 'CUSTOM SUMMARY PROMPT';
    },
    'experimental.compaction.autocontinue': async (input, output) => {
      log('autocontinue', {
        sessionID: input.sessionID,
        agent: input.agent,
        model: input.model.id,
        provider: input.provider.info.id,
        source: input.provider.source,
        message: input.message.role,
        overflow: input.overflow,
      });
      output.enabled = false;
    },
  };
};
`;

/** An npm package in the server's cache (no network): `<cache>/packages/<spec>/node_modules/<name>`. */
function cachedPackage(
  home: string,
  spec: string,
  name: string,
  files: Record<string, string>,
): void {
  const dir = join(home, '.cache', 'opencode', 'packages', spec, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFiles(dir, files);
}

describe('plugin hooks of providers, logins and compaction', () => {
  let t: AgentTestApp;
  let extra: FakeModelServer;

  beforeAll(async () => {
    // A second fake model server, for the providers the project config names.
    extra = await startFakeModelServer();
    extra.onRequest((request) =>
      isTitleRequest(request) ? { text: 'Generated title', finish: 'stop' } : undefined,
    );
    const home = tempDir('opencode-home-');
    const engines = (range: string, header: string) => ({
      'package.json': JSON.stringify({
        name: header,
        version: '1.0.0',
        type: 'module',
        main: 'index.js',
        engines: { opencode: range },
      }),
      'index.js': `export default async () => ({
  'chat.headers': async (_input, output) => { output.headers['x-${header}'] = 'yes'; },
});`,
    });
    cachedPackage(
      home,
      'future-plugin@1.0.0',
      'future-plugin',
      engines('>=2.0.0', 'future-plugin'),
    );
    cachedPackage(
      home,
      'current-plugin@1.0.0',
      'current-plugin',
      engines('^1.18.0', 'current-plugin'),
    );
    const directory = gitRepo({ 'README.md': '# provider hooks\n' });
    writeFiles(directory, {
      '.opencode/plugin/provider-hooks.ts': PLUGIN,
      'opencode.json': JSON.stringify({
        plugin: ['future-plugin@1.0.0', 'current-plugin@1.0.0'],
        provider: {
          'fake-auth': {
            npm: '@ai-sdk/openai-compatible',
            name: 'Fake Auth',
            options: { baseURL: extra.url },
            models: { 'auth-model': { name: 'Auth Model' } },
          },
          zai: { options: { baseURL: extra.url } },
        },
      }),
    });
    t = await startAgentTestApp({
      home,
      directory,
      captureLogs: true,
      env: { ZHIPU_API_KEY: 'zai-env-key' },
    });
  }, 60_000);

  afterAll(async () => {
    await t.close();
    await extra.close();
  });

  function hookLog(hook: string): Array<Record<string, unknown>> {
    const path = join(t.directory, 'hooks.log');
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { hook: string; data: Record<string, unknown> })
      .filter((entry) => entry.hook === hook)
      .map((entry) => entry.data);
  }

  describe('auth hook', () => {
    it('lists the plugin login methods beside the built-in ones, prompts without functions', async () => {
      const response = await t.http.get('/provider/auth').expect(200);
      const methods = response.body as Record<string, unknown[]>;
      expect(methods['fake-auth']).toEqual([
        {
          type: 'oauth',
          label: 'Plugin login',
          prompts: [{ type: 'text', key: 'team', message: 'Your team', placeholder: 'acme' }],
        },
        { type: 'api', label: 'Plugin API key' },
      ]);
      expect(methods.openai).toBeDefined();
      expect(methods['github-copilot']).toBeDefined();
    });

    it('refuses bad input: a failing prompt check names its field, an api method, an unknown method', async () => {
      const invalid = await t.http
        .post('/provider/fake-auth/oauth/authorize')
        .send({ method: 0, inputs: { team: 'Not Valid' } })
        .expect(400);
      expect(invalid.body).toMatchObject({
        name: 'ProviderAuthValidationFailed',
        data: { field: 'team', message: 'Team must be lowercase letters' },
      });
      await t.http.post('/provider/fake-auth/oauth/authorize').send({ method: 1 }).expect(400);
      await t.http.post('/provider/fake-auth/oauth/authorize').send({ method: 7 }).expect(400);
      await t.http.post('/provider/fake-auth/oauth/authorize').send({ method: 'zero' }).expect(400);
      await t.http
        .post('/provider/no-such-provider/oauth/authorize')
        .send({ method: 0 })
        .expect(404);
    });

    it("runs the plugin's flow, stores its tokens, and calls the model with the loader's key, headers and fetch", async () => {
      const started = await t.http
        .post('/provider/fake-auth/oauth/authorize')
        .send({ method: 0, inputs: { team: 'acme' } })
        .expect(200);
      expect(started.body).toEqual({
        url: 'https://login.example.test/authorize?team=acme',
        method: 'code',
        instructions: 'Paste the code',
      });
      expect(hookLog('authorize')).toEqual([{ team: 'acme' }]);

      // A code login without a code, then a refused code: nothing stored.
      await t.http.post('/provider/fake-auth/oauth/callback').send({ method: 0 }).expect(400);
      const refused = await t.http
        .post('/provider/fake-auth/oauth/callback')
        .send({ method: 0, code: 'bad-code' })
        .expect(400);
      expect(refused.body).toMatchObject({ name: 'ProviderAuthOauthCallbackFailed' });
      const authFile = join(t.home, '.local', 'share', 'opencode', 'auth.json');
      const stored = () =>
        existsSync(authFile)
          ? (JSON.parse(readFileSync(authFile, 'utf8')) as Record<string, unknown>)
          : {};
      expect(stored()['fake-auth']).toBeUndefined();

      await t.http
        .post('/provider/fake-auth/oauth/authorize')
        .send({ method: 0, inputs: { team: 'acme' } })
        .expect(200);
      const done = await t.http
        .post('/provider/fake-auth/oauth/callback')
        .send({ method: 0, code: 'good-code' })
        .expect(200);
      expect(done.body).toBe(true);
      expect(stored()['fake-auth']).toMatchObject({
        type: 'oauth',
        access: 'access-good-code',
        refresh: 'refresh-token',
        accountId: 'acct-1',
      });

      const sessionID = await t.createSession('auth');
      extra.enqueue({ text: 'hello from the plugin provider' });
      const answer = await t.prompt(sessionID, {
        model: { providerID: 'fake-auth', modelID: 'auth-model' },
        parts: [{ type: 'text', text: 'hi' }],
      });
      expect(answer.parts.find((part) => part.type === 'text')?.text).toBe(
        'hello from the plugin provider',
      );
      const request = turnRequests(extra).at(-1)!;
      expect(request.headers.authorization).toBe('Bearer access-good-code');
      expect(request.headers['x-plugin-header']).toBe('from-loader');
      expect(request.headers['x-plugin-fetch']).toBe('signed');
      expect(hookLog('auth.loader')).toContainEqual({ type: 'oauth', provider: 'fake-auth' });

      // What the loader handed stays out of responses: no key, no fetch, no headers.
      const providers = await t.http.get('/config/providers').expect(200);
      const listed = (providers.body as { providers: Array<{ id: string; source: string }> })
        .providers;
      const fakeAuth = listed.find((provider) => provider.id === 'fake-auth');
      expect(fakeAuth?.source).toBe('config');
      expect(JSON.stringify(providers.body)).not.toContain('access-good-code');
      expect(JSON.stringify(providers.body)).not.toContain('from-loader');
    });
  });

  describe('provider hook', () => {
    it("replaces a catalog provider's model list (GET /config/providers) and its models are called", async () => {
      const response = await t.http.get('/config/providers').expect(200);
      const body = response.body as {
        providers: Array<{
          id: string;
          models: Record<
            string,
            { id: string; name: string; providerID: string; api: { id: string } }
          >;
        }>;
      };
      const zai = body.providers.find((provider) => provider.id === 'zai');
      expect(Object.keys(zai!.models).sort()).toEqual(['plugin-glm', 'plugin-lite']);
      expect(zai!.models['plugin-glm']).toMatchObject({
        id: 'plugin-glm',
        providerID: 'zai',
        name: 'Plugin GLM',
        api: { id: 'plugin-glm-api' },
      });
      expect(zai!.models['plugin-lite']).toMatchObject({
        id: 'plugin-lite',
        providerID: 'zai',
        name: 'Plugin Lite',
        api: { id: 'plugin-lite' },
      });
      expect(hookLog('provider.models')[0]).toEqual({ provider: 'zai', auth: null });

      const sessionID = await t.createSession('zai');
      extra.enqueue({ text: 'glm says hi' });
      await t.prompt(sessionID, {
        model: { providerID: 'zai', modelID: 'plugin-glm' },
        parts: [{ type: 'text', text: 'hi' }],
      });
      const request = turnRequests(extra).at(-1)!;
      expect(request.body.model).toBe('plugin-glm-api');
      expect(request.headers.authorization).toBe('Bearer zai-env-key');
    });
  });

  describe('experimental.provider.small_model', () => {
    it('chooses the model titles are written with', async () => {
      const sessionID = await t.createSession();
      t.model.enqueue({ text: 'answer' });
      await t.prompt(sessionID, 'write me a title please');
      const deadline = Date.now() + 10_000;
      while (!t.model.requests.some(isTitleRequest) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const titles = t.model.requests.filter(isTitleRequest);
      expect(titles.length).toBeGreaterThan(0);
      expect(titles.every((request) => request.body.model === 'fake-small')).toBe(true);
      expect(turnRequests(t.model).at(-1)!.body.model).toBe('fake-model');
      expect(hookLog('small_model')).toContainEqual({ provider: 'fake' });
    });
  });

  describe('compaction hooks', () => {
    it('adds plugin context to the summary instruction and ends the turn when autocontinue is off', async () => {
      const sessionID = await t.createSession('compact');
      t.model.enqueue(
        { toolCalls: [{ name: 'glob', arguments: { pattern: '*.md' } }], usage: FULL },
        { text: 'Summary: glob ran.' },
      );
      const before = turnRequests(t.model).length;
      await t.prompt(sessionID, { model: TIGHT, parts: [{ type: 'text', text: 'find markdown' }] });
      await t.waitForIdle(sessionID);

      const requests = turnRequests(t.model).slice(before);
      expect(requests).toHaveLength(2);
      const instruction = JSON.stringify(requestMessages(requests[1]).at(-1));
      expect(instruction).toContain('PLUGIN CONTEXT: keep ticket 4711.');
      expect(instruction).toContain('Summarize the conversation above');

      // No synthetic "continue" prompt: the turn ended at the summary.
      const messages = await t.messages(sessionID);
      expect(
        messages.map(({ info, parts }) => [info.role, parts.map((part) => part.type).join(',')]),
      ).toEqual([
        ['user', 'text'],
        ['assistant', 'step-start,tool,step-finish'],
        ['user', 'compaction'],
        ['assistant', 'step-start,text,step-finish'],
      ]);
      expect(hookLog('compacting')).toContainEqual({ sessionID });
      expect(hookLog('autocontinue')).toContainEqual({
        sessionID,
        agent: 'build',
        model: 'fake-tight',
        provider: 'fake',
        source: 'config',
        message: 'user',
        overflow: false,
      });
    });

    it('a prompt set by the compacting hook replaces the instruction (POST /session/:id/summarize)', async () => {
      const sessionID = await t.createSession('replace');
      t.model.enqueue({ text: 'first answer' });
      await t.prompt(sessionID, 'something to summarize');
      writeFileSync(join(t.directory, 'replace-prompt'), '');
      try {
        t.model.enqueue({ text: 'Summary with the custom prompt.' });
        const response = await t.http
          .post(`/session/${sessionID}/summarize`)
          .send({ providerID: 'fake', modelID: 'fake-model' })
          .expect(200);
        expect(response.body).toBe(true);
        const last = requestMessages(turnRequests(t.model).at(-1)!).at(-1);
        expect(last).toEqual({ role: 'user', content: 'CUSTOM SUMMARY PROMPT' });
      } finally {
        rmSync(join(t.directory, 'replace-prompt'));
      }
    });
  });

  describe('engines.opencode', () => {
    it('skips an npm plugin made for another opencode version and loads a compatible one', async () => {
      expect(t.logs()).toContain(
        'Plugin future-plugin@1.0.0 skipped: Plugin requires opencode >=2.0.0 but running 1.18.33',
      );
      const sessionID = await t.createSession('engines');
      t.model.enqueue({ text: 'ok' });
      await t.prompt(sessionID, 'headers?');
      const request = turnRequests(t.model).at(-1)!;
      expect(request.headers['x-current-plugin']).toBe('yes');
      expect(request.headers['x-future-plugin']).toBeUndefined();
    });
  });
});
