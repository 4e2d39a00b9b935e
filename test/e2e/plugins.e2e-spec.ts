import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';
import { runGit, tempDir, writeFiles } from '../support/fixtures';

/*
 * Plugins over real HTTP: a TypeScript plugin auto-discovered in `.opencode/plugin/` and a JS
 * plugin named (with options) in the project's opencode.json, exercising the hooks; what the fake
 * model receives and what is stored is asserted. Each plugin writes what it saw to a log file
 * outside the project (so the log never counts as a project change).
 */

interface Fixture {
  directory: string;
  log: string;
}

function pluginFixture(): Fixture {
  const directory = tempDir('opencode-plugins-');
  const log = join(tempDir('opencode-plugin-log-'), 'hooks.log');
  runGit(directory, 'init', '-q', '-b', 'main');
  writeFiles(directory, {
    'README.md': '# plugins\n',
    'opencode.json': JSON.stringify({ plugin: [['./plugins-js/first.js', { tag: 'js-tag' }]] }),
    'plugins-js/first.js': `
import { appendFileSync } from 'node:fs';
const log = (line) => appendFileSync(${JSON.stringify(log)}, line + '\\n');
export default async function First(input, options) {
  log('init js ' + options.tag + ' ' + (input.directory === ${JSON.stringify(directory)}));
  return {
    'chat.params': async (_input, output) => {
      output.temperature = 0.5;
    },
  };
}
`,
    '.opencode/plugin/broken.js': `throw new Error('broken at import');\n`,
    '.opencode/plugin/hooks.ts': `
import { appendFileSync } from 'node:fs';
import type { Plugin } from '@opencode-ai/plugin';

const log = (line: string): void => appendFileSync(${JSON.stringify(log)}, line + '\\n');

export const Hooks: Plugin = async ({ client, serverUrl, project, worktree }) => {
  log('init ts ' + serverUrl.protocol + ' ' + typeof project.id + ' ' + (worktree.length > 0));
  return {
    event: async ({ event }) => {
      if (event.type !== 'session.created') return;
      const id = (event.properties as { info: { id: string } }).info.id;
      const result = await client.session.update({ path: { id }, body: { title: 'renamed by plugin' } });
      log('renamed ' + String(result.response?.status));
    },
    config: async (config) => {
      config.command = { ...config.command };
      config.command['from-plugin'] = { template: 'plugin command $ARGUMENTS' };
    },
    'chat.message': async (_input, output) => {
      for (const part of output.parts) if (part.type === 'text') part.text += ' [seen]';
    },
    'chat.params': async (_input, output) => {
      log('params saw temperature ' + output.temperature);
      output.temperature = 0.37;
      output.maxOutputTokens = 777;
    },
    'chat.headers': async (_input, output) => {
      output.headers['x-plugin'] = 'yes';
    },
    'experimental.chat.system.transform': async (_input, output) => {
      output.system.push('PLUGIN SYSTEM LINE');
    },
    'experimental.chat.messages.transform': async (_input, output) => {
      for (const message of output.messages)
        for (const part of message.parts) if (part.type === 'text') part.text += ' [transformed]';
    },
    'experimental.text.complete': async (_input, output) => {
      output.text = output.text + ' (edited)';
    },
    'permission.ask': async (input, output) => {
      if ((input as unknown as { permission: string }).permission === 'bash') output.status = 'allow';
    },
    'tool.execute.before': async (input, output) => {
      if (input.tool === 'bash') output.args.command = 'echo value=$PLUGIN_VAR';
    },
    'shell.env': async (_input, output) => {
      output.env.PLUGIN_VAR = 'from-plugin';
    },
    'tool.execute.after': async (_input, output) => {
      output.title = 'plugin title';
    },
    'command.execute.before': async (_input, output) => {
      output.parts.push({ type: 'text', text: 'extra from plugin' } as never);
    },
    dispose: async () => {
      log('dispose');
    },
  };
};
`,
  });
  runGit(directory, 'add', '-A');
  runGit(directory, 'commit', '-q', '-m', 'initial');
  return { directory, log };
}

function logLines(fixture: Fixture): string[] {
  return existsSync(fixture.log) ? readFileSync(fixture.log, 'utf8').trim().split('\n') : [];
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('plugins', () => {
  let fixture: Fixture;
  let t: AgentTestApp;

  beforeAll(async () => {
    fixture = pluginFixture();
    t = await startAgentTestApp({
      directory: fixture.directory,
      config: { permission: { bash: 'ask' } },
      captureLogs: true,
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('loads config plugins first (with their options), then the config directories’ files, and skips a broken one', async () => {
    await until(() => logLines(fixture).some((line) => line.startsWith('init ts')));
    const lines = logLines(fixture);
    expect(lines.slice(0, 2)).toEqual(['init js js-tag true', 'init ts http: string true']);
    expect(t.logs()).toContain('broken at import');
    expect(t.logs()).toContain('broken.js');
  });

  it('runs every hook of a turn where the reference does, in plugin order', async () => {
    const sessionID = await t.createSession();
    // The `event` hook renames the new session through the plugin's SDK client.
    await until(() => logLines(fixture).includes('renamed 200'));
    const session = await t.http.get(`/session/${sessionID}`).expect(200);
    expect(session.body.title).toBe('renamed by plugin');

    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo original', description: 'x' } }] },
      { text: 'done' },
    );
    const reply = await t.prompt(sessionID, 'hello');
    expect(reply.parts.find((part) => part.type === 'text')?.text).toBe('done (edited)');

    const [first] = turnRequests(t.model);
    expect(first.body.temperature).toBe(0.37);
    expect(first.body.max_tokens).toBe(777);
    expect(first.headers['x-plugin']).toBe('yes');
    const sent = JSON.stringify(requestMessages(first));
    expect(sent).toContain('PLUGIN SYSTEM LINE');
    expect(sent).toContain('hello [seen] [transformed]');
    expect(logLines(fixture)).toContain('params saw temperature 0.5');

    const messages = await t.messages(sessionID);
    const user = messages.find((message) => message.info.role === 'user')!;
    // Stored as `chat.message` left it; the per-call transform is not stored.
    expect(user.parts.find((part) => part.type === 'text')?.text).toBe('hello [seen]');
    const tool = messages.flatMap((message) => message.parts).find((part) => part.type === 'tool')!;
    expect(tool.state.status).toBe('completed');
    expect(tool.state.input.command).toBe('echo value=$PLUGIN_VAR');
    expect(tool.state.output).toContain('value=from-plugin');
    expect(tool.state.title).toBe('plugin title');
    // `permission.ask` allowed the call: nobody was asked.
    expect(t.sessionEvents(sessionID).some((event) => event.type === 'permission.asked')).toBe(
      false,
    );
  });

  it('serves a command the config hook added, and command.execute.before adds a part', async () => {
    const commands = await t.http.get('/command').expect(200);
    expect(commands.body.map((command: { name: string }) => command.name)).toContain('from-plugin');
    const sessionID = await t.createSession();
    t.model.enqueue({ text: 'ok' });
    await t.http
      .post(`/session/${sessionID}/command`)
      .send({ command: 'from-plugin', arguments: 'abc' })
      .expect(200);
    const messages = await t.messages(sessionID);
    const texts = messages
      .find((message) => message.info.role === 'user')!
      .parts.filter((part) => part.type === 'text')
      .map((part) => part.text);
    expect(texts).toEqual(['plugin command abc [seen]', 'extra from plugin [seen]']);
  });

  it('calls dispose when the instance is disposed', async () => {
    await t.http.post('/instance/dispose').expect(200);
    await until(() => logLines(fixture).includes('dispose'));
  });
});

describe('plugins with a server password', () => {
  it('hands plugins a client that sends the credentials', async () => {
    const fixture = pluginFixture();
    const t = await startAgentTestApp({
      directory: fixture.directory,
      env: { OPENCODE_SERVER_PASSWORD: 'secret-pw' },
    });
    try {
      const auth = `Basic ${Buffer.from('opencode:secret-pw').toString('base64')}`;
      const created = await t.http.post('/session').set('authorization', auth).send({}).expect(200);
      await until(() => logLines(fixture).includes('renamed 200'));
      const session = await t.http
        .get(`/session/${created.body.id}`)
        .set('authorization', auth)
        .expect(200);
      expect(session.body.title).toBe('renamed by plugin');
    } finally {
      await t.close();
    }
  });
});
