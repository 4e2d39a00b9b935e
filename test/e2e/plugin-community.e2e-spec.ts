import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';
import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';
import { startFakeNpmRegistry, type FakeNpmRegistry } from '../support/fake-npm-registry';
import { gitRepo, tempDir, writeFiles } from '../support/fixtures';

/*
 * Real community plugins from npm, pinned as devDependencies, loaded from config `plugin` npm
 * specs: opencode-prompt-recorder (records prompts into the project through its `event` hook)
 * and opencode-skills (Bun APIs, `from "bun"`, a plugin `tool` whose execute injects the skill with
 * `noReply` prompts on the busy session). Their installs are taken from this repository's
 * node_modules by pre-filling the cache where the installer looks (`<cache>/packages/<spec>/
 * node_modules/<name>`); one more plugin, whose entry point is TypeScript inside node_modules, is
 * installed for real by npm from a registry on 127.0.0.1.
 */

const ROOT = join(__dirname, '..', '..');

/** Links this repository's install of `name` into the server's package cache under `spec`. */
function prefillCache(home: string, spec: string, name: string): void {
  const target = join(home, '.cache', 'opencode', 'packages', spec, 'node_modules', name);
  mkdirSync(dirname(target), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules', name), target, 'dir');
}

/** Every file below `dir`, recursively. */
function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * opencode-prompt-recorder checks registry.npmjs.org for a newer version of itself when it
 * loads. Plugins run in the process's main realm (the loader evaluates them there, not in the
 * test runner's sandbox), so that realm's `fetch` is wrapped: requests to 127.0.0.1 go through,
 * anything else is refused, and the refused URLs are kept to assert on.
 */
function refuseInternet(): { refused: string[]; restore(): void } {
  const realm = runInThisContext('globalThis') as typeof globalThis;
  const original = realm.fetch;
  const refused: string[] = [];
  realm.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(
      typeof input === 'string' ? input : 'href' in input ? input.href : input.url,
    );
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return original(input, init);
    refused.push(url.href);
    return Promise.reject(new TypeError(`fetch refused in tests: ${url.href}`));
  };
  return { refused, restore: () => void (realm.fetch = original) };
}

describe('community plugins from npm', () => {
  let t: AgentTestApp;
  let registry: FakeNpmRegistry;
  let internet: ReturnType<typeof refuseInternet>;
  const skillText = 'Always answer in haiku. SKILL-MARKER-7731.';

  beforeAll(async () => {
    internet = refuseInternet();
    // A package whose entry point is TypeScript (`main: "index.ts"`), as some community
    // plugins ship; npm installs it into the cache from the fake registry.
    const source = tempDir('ts-entry-plugin-');
    writeFiles(source, {
      'package.json': JSON.stringify({
        name: 'opencode-ts-entry-fixture',
        version: '1.0.0',
        type: 'module',
        main: 'index.ts',
      }),
      'index.ts': `
import type { Plugin } from '@opencode-ai/plugin';

interface Options { marker?: string }
const line = (options: Options | undefined): string => 'TS ENTRY ' + (options?.marker ?? 'none');

export const TsEntry: Plugin = async (_input, options) => {
  const text = line(options as Options | undefined) satisfies string;
  return {
    'experimental.chat.system.transform': async (_hookInput, output) => {
      output.system.push(text);
    },
  };
};
export default TsEntry;
`,
    });
    registry = await startFakeNpmRegistry([source]);

    const home = tempDir('opencode-home-');
    prefillCache(home, 'opencode-prompt-recorder@1.9.9', 'opencode-prompt-recorder');
    prefillCache(home, 'opencode-skills@0.1.7', 'opencode-skills');
    const directory = gitRepo({ 'README.md': '# community plugins\n' });
    writeFiles(directory, {
      '.opencode/skills/demo-skill/SKILL.md': [
        '---',
        'name: demo-skill',
        'description: A demo skill that makes every answer a haiku',
        '---',
        '',
        '# Demo skill',
        '',
        skillText,
        '',
      ].join('\n'),
    });
    t = await startAgentTestApp({
      home,
      directory,
      captureLogs: true,
      // Anything not pre-filled would be fetched from here, never from the internet.
      env: { npm_config_registry: registry.url },
      config: {
        plugin: [
          'opencode-prompt-recorder@1.9.9',
          'opencode-skills@0.1.7',
          ['opencode-ts-entry-fixture@1.0.0', { marker: 'from-options' }],
        ],
      },
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await registry?.close();
    internet?.restore();
  });

  it('loads the pre-filled packages without npm and installs the other one from the registry', async () => {
    await until(() => t.logs().includes('plugin(s) loaded'), 30_000);
    expect(t.logs()).toContain('3 plugin(s) loaded');
    const ids = await t.http.get('/experimental/tool/ids').expect(200);
    expect(ids.body).toContain('skills_demo_skill');
    expect(registry.requests).toContain('/opencode-ts-entry-fixture');
    expect(registry.requests.some((path) => path.startsWith('/opencode-prompt-recorder'))).toBe(
      false,
    );
    expect(registry.requests.some((path) => path.startsWith('/opencode-skills'))).toBe(false);
    const installed = join(
      t.home,
      '.cache/opencode/packages/opencode-ts-entry-fixture@1.0.0/node_modules/opencode-ts-entry-fixture/index.ts',
    );
    expect(existsSync(installed)).toBe(true);
    expect(t.logs()).not.toContain('Failed to load plugin');
  });

  it('runs the TypeScript entry point inside node_modules, with its options', async () => {
    const sessionID = await t.createSession();
    t.model.enqueue({ text: 'ok' });
    await t.prompt(sessionID, 'hi');
    const [request] = turnRequests(t.model).slice(-1);
    expect(JSON.stringify(requestMessages(request))).toContain('TS ENTRY from-options');
  });

  it('opencode-prompt-recorder writes the prompt into .prompts/ of the project', async () => {
    const sessionID = await t.createSession();
    t.model.enqueue({ text: 'recorded reply' });
    await t.prompt(sessionID, 'please record this prompt 4242');
    const recorded = () =>
      filesBelow(join(t.directory, '.prompts')).find((file) =>
        readFileSync(file, 'utf8').includes(`SessionID: ${sessionID}`),
      );
    await until(() => recorded() !== undefined);
    const file = recorded()!;
    expect(file.endsWith('.txt')).toBe(true);
    await until(() => readFileSync(file, 'utf8').includes('please record this prompt 4242'));
    // Its update check was made, and refused before it left the machine.
    expect(internet.refused).toContain(
      'https://registry.npmjs.org/opencode-prompt-recorder/latest',
    );
  });

  it('opencode-skills (Bun APIs) registers a skill tool whose noReply prompts reach the model', async () => {
    const tools = await t.http
      .get('/experimental/tool')
      .query({ provider: 'fake', model: 'fake-model' })
      .expect(200);
    const skill = (tools.body as Array<{ id: string; description: string }>).find(
      (item) => item.id === 'skills_demo_skill',
    );
    expect(skill?.description).toBe('A demo skill that makes every answer a haiku');

    const sessionID = await t.createSession();
    t.model.enqueue(
      { toolCalls: [{ name: 'skills_demo_skill', arguments: {} }] },
      { text: 'haiku time' },
    );
    const before = turnRequests(t.model).length;
    const reply = await t.prompt(sessionID, 'use the skill');
    expect(reply.parts.find((part) => part.type === 'text')?.text).toBe('haiku time');

    const messages = await t.messages(sessionID);
    const tool = messages.flatMap((message) => message.parts).find((part) => part.type === 'tool')!;
    expect(tool.state.status).toBe('completed');
    expect(tool.state.output).toBe('Launching skill: demo-skill');
    // The two silent prompts are stored as user messages of the busy session...
    const userTexts = messages
      .filter((message) => message.info.role === 'user')
      .flatMap((message) => message.parts.filter((part) => part.type === 'text'))
      .map((part) => part.text as string);
    expect(userTexts).toContainEqual(expect.stringContaining('The "demo-skill" skill is loading'));
    expect(userTexts).toContainEqual(expect.stringContaining(skillText));
    // ... and the next step of the turn sends the skill to the model.
    const after = turnRequests(t.model).slice(before);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(requestMessages(after[after.length - 1]))).toContain(skillText);
  });
});
