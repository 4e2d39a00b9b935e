import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { AgentService } from '../../src/agent/agent.service';
import { InstanceService } from '../../src/core/instance/instance.service';
import { gitRepo, tempDir, writeFiles } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

interface AgentBody {
  name: string;
  description?: string;
  mode: string;
  native?: boolean;
  hidden?: boolean;
  temperature?: number;
  topP?: number;
  prompt?: string;
  model?: { providerID: string; modelID: string };
  permission: { permission: string; pattern: string; action: string }[];
  options: Record<string, unknown>;
  steps?: number;
}

const byName = (agents: AgentBody[], name: string) => agents.find((a) => a.name === name);
/** The action the last matching rule gives (exact names and `*` only, enough for these tests). */
const actionFor = (agent: AgentBody, permission: string, pattern = '*') =>
  [...agent.permission]
    .reverse()
    .find(
      (rule) =>
        (rule.permission === permission || rule.permission === '*') &&
        (rule.pattern === pattern || rule.pattern === '*'),
    )?.action;

describe('agent: GET /agent', () => {
  let t: TestApp;
  afterEach(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  it('lists the built-in agents, build first and the others by name, with prompts and permission rules', async () => {
    t = await startTestApp();
    const agents = (await t.http.get('/agent').expect(200)).body as AgentBody[];
    expect(agents.map((a) => a.name)).toEqual([
      'build',
      'compaction',
      'explore',
      'general',
      'plan',
      'summary',
      'title',
    ]);
    const build = byName(agents, 'build')!;
    expect(build).toMatchObject({ mode: 'primary', native: true, options: {} });
    expect(build.prompt).toEqual(expect.any(String));
    expect(actionFor(build, 'edit')).toBe('allow');
    expect(actionFor(build, 'bash')).toBe('allow');
    expect(actionFor(build, 'external_directory')).toBe('ask');

    const plan = byName(agents, 'plan')!;
    expect(plan.mode).toBe('primary');
    expect(actionFor(plan, 'edit')).toBe('deny');
    expect(actionFor(plan, 'bash')).toBe('ask');
    expect(actionFor(plan, 'bash', 'git diff *')).toBe('allow');

    expect(byName(agents, 'general')).toMatchObject({ mode: 'subagent', native: true });
    expect(byName(agents, 'explore')).toMatchObject({ mode: 'subagent' });
    expect(actionFor(byName(agents, 'explore')!, 'edit')).toBe('deny');
    for (const name of ['compaction', 'title', 'summary']) {
      expect(byName(agents, name)).toMatchObject({ hidden: true, native: true });
    }
  });

  it('applies the config: overrides, new agents, disabled ones, legacy tools and modes, default_agent', async () => {
    const directory = gitRepo({
      'opencode.json': JSON.stringify({
        default_agent: 'plan',
        permission: { webfetch: 'deny' },
        agent: {
          build: {
            model: 'anthropic/claude-haiku-4-5',
            temperature: 0.3,
            top_p: 0.9,
            tools: { write: false },
            permission: { bash: { 'rm *': 'deny' } },
          },
          general: { disable: true },
          docs: {
            description: 'Writes documentation',
            mode: 'subagent',
            prompt: 'You write docs.',
            maxSteps: 5,
            reasoningEffort: 'high',
            options: { store: false },
          },
        },
        mode: { focus: { prompt: 'Only one thing at a time.' } },
      }),
    });
    t = await startTestApp({ directory });
    const agents = (await t.http.get('/agent').expect(200)).body as AgentBody[];
    expect(agents[0].name).toBe('plan');
    expect(byName(agents, 'general')).toBeUndefined();

    const build = byName(agents, 'build')!;
    expect(build).toMatchObject({
      model: { providerID: 'anthropic', modelID: 'claude-haiku-4-5' },
      temperature: 0.3,
      topP: 0.9,
    });
    expect(actionFor(build, 'edit')).toBe('deny');
    expect(actionFor(build, 'webfetch')).toBe('deny');
    expect(build.permission.at(-1)).toEqual({
      permission: 'bash',
      pattern: 'rm *',
      action: 'deny',
    });

    expect(byName(agents, 'docs')).toEqual({
      name: 'docs',
      description: 'Writes documentation',
      mode: 'subagent',
      native: false,
      prompt: 'You write docs.',
      steps: 5,
      options: { store: false, reasoningEffort: 'high' },
      permission: expect.any(Array),
    });
    expect(byName(agents, 'focus')).toMatchObject({
      mode: 'primary',
      prompt: 'Only one thing at a time.',
    });
  });

  it('loads agent markdown files from the project and the global config, skipping malformed ones with a log line', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const home = tempDir('opencode-home-');
    writeFiles(join(home, '.config', 'opencode'), {
      'agent/team/security.md': '---\ndescription: Looks for holes\n---\nThink like an attacker.\n',
    });
    const directory = gitRepo({
      '.opencode/agent/review.md': [
        '---',
        'description: Reviews changes',
        'mode: subagent',
        'model: openai/gpt-5-mini',
        'temperature: 0.1',
        'tools:',
        '  bash: false',
        'permission:',
        '  edit: deny',
        '---',
        'You review code. Be specific.',
        '',
      ].join('\n'),
      '.opencode/agent/broken.md': '---\nmode: sideways\n---\nNope\n',
      '.opencode/agents/bad-yaml.md': '---\ndescription: [unclosed\n---\nNope\n',
    });
    t = await startTestApp({ home, directory });
    const agents = (await t.http.get('/agent').expect(200)).body as AgentBody[];

    const review = byName(agents, 'review')!;
    expect(review).toMatchObject({
      description: 'Reviews changes',
      mode: 'subagent',
      native: false,
      model: { providerID: 'openai', modelID: 'gpt-5-mini' },
      temperature: 0.1,
      prompt: 'You review code. Be specific.',
    });
    expect(actionFor(review, 'bash')).toBe('deny');
    expect(actionFor(review, 'edit')).toBe('deny');
    expect(byName(agents, 'team/security')).toMatchObject({
      mode: 'all',
      prompt: 'Think like an attacker.',
    });
    expect(byName(agents, 'broken')).toBeUndefined();
    expect(byName(agents, 'bad-yaml')).toBeUndefined();

    const logged = warn.mock.calls.map(([message]) => String(message));
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.stringContaining(join(directory, '.opencode/agent/broken.md')),
        expect.stringContaining(join(directory, '.opencode/agents/bad-yaml.md')),
      ]),
    );
    expect(logged.find((line) => line.includes('broken.md'))).toContain('"mode"');
  });

  it('gives the agent loop agents by name and the default agent', async () => {
    t = await startTestApp();
    const service = t.app.get(AgentService);
    const instance = await t.app.get(InstanceService).resolve(t.directory);
    await expect(service.get(instance, 'plan')).resolves.toMatchObject({ name: 'plan' });
    await expect(service.get(instance, 'nope')).rejects.toMatchObject({
      name: 'NotFoundError',
      status: 404,
    });
    await expect(service.find(instance, 'toString')).resolves.toBeUndefined();
    await expect(service.defaultAgent(instance)).resolves.toMatchObject({ name: 'build' });
  });

  it('refuses a default_agent that is a subagent', async () => {
    t = await startTestApp({
      env: { OPENCODE_CONFIG_CONTENT: JSON.stringify({ default_agent: 'general' }) },
    });
    const instance = await t.app.get(InstanceService).resolve(t.directory);
    await expect(t.app.get(AgentService).defaultAgent(instance)).rejects.toMatchObject({
      name: 'BadRequest',
      data: { field: 'default_agent' },
    });
  });
});
