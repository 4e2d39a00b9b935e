import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { CommandService } from '../../src/command/command.service';
import { InstanceService } from '../../src/core/instance/instance.service';
import { gitRepo, tempDir, writeFiles } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

interface CommandBody {
  name: string;
  description?: string;
  agent?: string;
  model?: string;
  source?: string;
  template: string;
  subtask?: boolean;
  hints: string[];
}

describe('command: GET /command', () => {
  let t: TestApp;
  afterEach(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  it('lists the built-in init and review commands, then the built-in skill', async () => {
    t = await startTestApp();
    const commands = (await t.http.get('/command').expect(200)).body as CommandBody[];
    expect(commands.map((c) => c.name)).toEqual(['init', 'review', 'customize-opencode']);
    expect(commands[2]).toMatchObject({ source: 'skill', hints: [] });
    const [init, review] = commands;
    expect(init).toMatchObject({
      description: 'create/update AGENTS.md',
      source: 'command',
      hints: ['$ARGUMENTS'],
    });
    expect(init.template).toContain(t.directory);
    expect(review).toMatchObject({ subtask: true, hints: ['$ARGUMENTS'] });
  });

  it('adds config commands and markdown commands (project and global), which may replace built-ins', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const home = tempDir('opencode-home-');
    writeFiles(join(home, '.config', 'opencode'), {
      'command/standup.md':
        '---\ndescription: Summarise yesterday\n---\nSummarise git log since yesterday.\n',
    });
    const directory = gitRepo({
      'opencode.json': JSON.stringify({
        command: {
          init: { template: 'Our own init for $ARGUMENTS', description: 'custom init' },
          fix: {
            template: 'Fix issue #$1 in $2',
            agent: 'build',
            model: 'anthropic/claude-sonnet-4-5',
          },
        },
      }),
      '.opencode/command/test.md': [
        '---',
        'description: Run the tests',
        'agent: plan',
        'model: openai/gpt-5-mini',
        'subtask: true',
        '---',
        'Run the tests matching $ARGUMENTS and explain failures.',
        '',
      ].join('\n'),
      '.opencode/commands/git/pr.md': 'Open a pull request titled $1.\n',
      '.opencode/command/broken.md': '---\nsubtask: sometimes\n---\nBody\n',
      '.opencode/command/empty.md': '---\ndescription: nothing here\n---\n',
    });
    t = await startTestApp({ home, directory });
    const commands = (await t.http.get('/command').expect(200)).body as CommandBody[];
    const byName = Object.fromEntries(commands.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(
      ['customize-opencode', 'fix', 'git/pr', 'init', 'review', 'standup', 'test'].sort(),
    );
    expect(byName.init).toMatchObject({
      description: 'custom init',
      template: 'Our own init for $ARGUMENTS',
    });
    expect(byName.fix).toEqual({
      name: 'fix',
      agent: 'build',
      model: 'anthropic/claude-sonnet-4-5',
      source: 'command',
      template: 'Fix issue #$1 in $2',
      hints: ['$1', '$2'],
    });
    expect(byName.test).toEqual({
      name: 'test',
      description: 'Run the tests',
      agent: 'plan',
      model: 'openai/gpt-5-mini',
      source: 'command',
      subtask: true,
      template: 'Run the tests matching $ARGUMENTS and explain failures.',
      hints: ['$ARGUMENTS'],
    });
    expect(byName['git/pr']).toMatchObject({
      template: 'Open a pull request titled $1.',
      hints: ['$1'],
    });
    expect(byName.standup.description).toBe('Summarise yesterday');

    const logged = warn.mock.calls.map(([message]) => String(message));
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.stringContaining(join(directory, '.opencode/command/broken.md')),
        expect.stringContaining(join(directory, '.opencode/command/empty.md')),
      ]),
    );
  });

  it('renders a command for the slash-command route', async () => {
    t = await startTestApp({
      env: {
        OPENCODE_CONFIG_CONTENT: JSON.stringify({
          command: { fix: { template: 'Fix issue #$1 in $2' } },
        }),
      },
    });
    const service = t.app.get(CommandService);
    const instance = await t.app.get(InstanceService).resolve(t.directory);
    const fix = await service.get(instance, 'fix');
    expect(service.render(fix, '42 "the login form" quickly')).toBe(
      'Fix issue #42 in the login form quickly',
    );
    const review = await service.get(instance, 'review');
    expect(service.render(review, 'HEAD~1')).toContain('What to review: HEAD~1');
    await expect(service.get(instance, 'nope')).rejects.toMatchObject({ status: 404 });
  });
});
