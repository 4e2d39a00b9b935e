import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgentTestApp, turnRequests, type AgentTestApp } from '../support/agent-app';
import { startFakeNpmRegistry, type FakeNpmRegistry } from '../support/fake-npm-registry';
import { gitRepo, tempDir, writeFiles } from '../support/fixtures';

/*
 * Plugin faults and the hooks that decide instead of the user: a hook that throws fails only
 * what it was called for; plugins that cannot load are skipped while the others work;
 * `permission.ask` answering allow or deny; `$` from inside a plugin keeping a hostile value one
 * argument.
 */

const HOSTILE = `it's "a b"; touch pwned && echo $(id) \`id\` | cat > pwned2 *`;

describe('plugin faults and deciding hooks', () => {
  let t: AgentTestApp;
  let registry: FakeNpmRegistry;
  let flag: string;

  beforeAll(async () => {
    // A registry that knows no package: the npm spec below cannot be installed, offline.
    registry = await startFakeNpmRegistry([]);
    flag = join(tempDir('plugin-fault-flag-'), 'fail-params');
    const directory = gitRepo({ 'README.md': '# faults\n' });
    writeFiles(directory, {
      'opencode.json': JSON.stringify({ plugin: ['opencode-no-such-plugin-xyz@1.0.0'] }),
      '.opencode/plugin/faults.ts': `
import { existsSync } from 'node:fs';
import type { Plugin } from '@opencode-ai/plugin';

export const Faults: Plugin = async ({ $ }) => ({
  event: async () => {
    throw new Error('event hook always fails');
  },
  'chat.params': async () => {
    if (existsSync(${JSON.stringify(flag)})) throw new Error('params exploded');
  },
  'chat.message': async (_input, output) => {
    const part = output.parts.find((item) => item.type === 'text');
    if (!part || part.type !== 'text' || !part.text.startsWith('SHELL:')) return;
    const value = part.text.slice('SHELL:'.length);
    const echoed = await $\`printf %s \${value}\`.quiet().text();
    const words = await $\`printf '%s\\n' \${[value, 'second']}\`.quiet().text();
    part.text = 'echoed=' + echoed + ' lines=' + words.trim().split('\\n').length;
  },
  'tool.execute.before': async (input, output) => {
    const command = String((output.args as { command?: unknown }).command ?? '');
    if (input.tool === 'bash' && command.includes('BLOCKED')) throw new Error('blocked by policy');
  },
  'permission.ask': async (input, output) => {
    const request = input as unknown as { permission?: string; type?: string; patterns?: string[] };
    if ((request.permission ?? request.type) !== 'bash') return;
    const patterns = (request.patterns ?? []).join(' ');
    if (patterns.includes('rm ')) output.status = 'deny';
    if (patterns.includes('echo allowed')) output.status = 'allow';
  },
});
`,
      // Skipped, each for its own reason; logged with its path.
      '.opencode/plugin/throws-when-called.js': `export default async () => { throw new Error('cannot start'); };\n`,
      '.opencode/plugin/not-a-function.js': `export const setting = 42;\n`,
      '.opencode/plugin/syntax-error.ts': `export const = ;\n`,
    });
    t = await startAgentTestApp({
      directory,
      captureLogs: true,
      env: { npm_config_registry: registry.url },
      config: { permission: { bash: 'ask' } },
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await registry?.close();
  });

  it('skips plugins that cannot be installed, imported or called, logs each, and loads the rest', async () => {
    await until(() => t.logs().includes('plugin(s) loaded'), 30_000);
    const logs = t.logs();
    expect(logs).toContain('1 plugin(s) loaded');
    expect(logs).toMatch(/Failed to load plugin opencode-no-such-plugin-xyz@1\.0\.0: .*404/);
    expect(logs).toMatch(
      /failed to load plugin path=file:\/\/.*throws-when-called\.js error=.*cannot start/,
    );
    expect(logs).toMatch(
      /Failed to load plugin file:\/\/.*not-a-function\.js: Plugin export is not a function/,
    );
    expect(logs).toMatch(/Failed to load plugin file:\/\/.*syntax-error\.ts/);
    // The install failure is also an event, as in the reference.
    const frame = await t.sse.waitFor(
      (candidate) =>
        (candidate.data as { type?: string }).type === 'session.error' &&
        JSON.stringify(candidate.data).includes('opencode-no-such-plugin-xyz'),
      10_000,
    );
    expect(frame.data).toMatchObject({
      properties: { error: { name: 'UnknownError', data: { message: expect.any(String) } } },
    });
  });

  it('a throwing chat.params fails that prompt with an error naming the plugin; the next one works', async () => {
    const sessionID = await t.createSession();
    writeFileSync(flag, '');
    try {
      const before = turnRequests(t.model).length;
      const failed = await t.http
        .post(`/session/${sessionID}/message`)
        .send({ parts: [{ type: 'text', text: 'first' }] });
      // As a failed model step: the assistant message carries the error.
      expect(failed.status).toBe(200);
      expect(failed.body.info.error.data.message).toMatch(
        /^Plugin file:\/\/.*\/\.opencode\/plugin\/faults\.ts failed in its "chat\.params" hook: .*params exploded/,
      );
      // The model was never called.
      expect(turnRequests(t.model).length).toBe(before);
    } finally {
      rmSync(flag, { force: true });
    }
    await t.waitForIdle(sessionID);
    t.model.enqueue({ text: 'fine again' });
    const reply = await t.prompt(sessionID, 'second');
    expect(reply.parts.find((part) => part.type === 'text')?.text).toBe('fine again');
  });

  it('a throwing tool.execute.before fails that tool call only; the turn goes on', async () => {
    const sessionID = await t.createSession();
    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo BLOCKED', description: 'x' } }] },
      { text: 'after the failed call' },
    );
    const reply = await t.prompt(sessionID, 'run it');
    expect(reply.parts.find((part) => part.type === 'text')?.text).toBe('after the failed call');
    const tool = await toolPart(t, sessionID);
    expect(tool.state.status).toBe('error');
    expect(tool.state.error).toContain('blocked by policy');
  });

  it('permission.ask "deny" refuses the tool without asking anyone', async () => {
    const sessionID = await t.createSession();
    t.model.enqueue({
      toolCalls: [{ name: 'bash', arguments: { command: 'rm -rf build', description: 'x' } }],
    });
    // A refusal ends the turn, as when the user rejects.
    const reply = await t.prompt(sessionID, 'clean up');
    expect(reply.info.finish).toBe('tool-calls');
    const tool = await toolPart(t, sessionID);
    expect(tool.state.status).toBe('error');
    expect(tool.state.error).toContain('A plugin rejected the bash permission');
    expect(t.sessionEvents(sessionID).some((event) => event.type === 'permission.asked')).toBe(
      false,
    );
  });

  it('permission.ask "allow" runs the tool without asking; "ask" still asks', async () => {
    const sessionID = await t.createSession();
    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo allowed', description: 'x' } }] },
      { text: 'ran it' },
    );
    await t.prompt(sessionID, 'say it');
    const tool = await toolPart(t, sessionID);
    expect(tool.state.status).toBe('completed');
    expect(tool.state.output).toContain('allowed');
    expect(t.sessionEvents(sessionID).some((event) => event.type === 'permission.asked')).toBe(
      false,
    );

    // A command the hook leaves at "ask" goes to the user as usual.
    const asking = await t.createSession();
    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo other', description: 'x' } }] },
      { text: 'asked' },
    );
    await t.promptAsync(asking, 'say other');
    const asked = await t.waitForEvent('permission.asked', asking);
    await t.http
      .post(`/session/${asking}/permissions/${asked.properties.id as string}`)
      .send({ response: 'once' })
      .expect(200);
    await t.waitForIdle(asking);
  });

  it('$ in a plugin passes a hostile value as one argument', async () => {
    const sessionID = await t.createSession();
    t.model.enqueue({ text: 'ok' });
    await t.prompt(sessionID, `SHELL:${HOSTILE}`);
    const messages = await t.messages(sessionID);
    const user = messages.find((message) => message.info.role === 'user')!;
    expect(user.parts.find((part) => part.type === 'text')?.text).toBe(`echoed=${HOSTILE} lines=2`);
    expect(existsSync(join(t.directory, 'pwned'))).toBe(false);
    expect(existsSync(join(t.directory, 'pwned2'))).toBe(false);
  });

  it('keeps serving while the event hook fails on every event', async () => {
    await t.http.get('/session').expect(200);
    expect(t.logs()).toContain('event hook always fails');
  });
});

async function toolPart(t: AgentTestApp, sessionID: string) {
  const messages = await t.messages(sessionID);
  return messages.flatMap((message) => message.parts).find((part) => part.type === 'tool')!;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
