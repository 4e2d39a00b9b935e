import { join } from 'node:path';
import { gitRepo, writeFiles } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

/** `GET /api/command` (v2): expected values are what the reference (opencode 1.18.33) answers. */
describe('command: GET /api/command (v2)', () => {
  let t: TestApp;
  beforeAll(async () => {
    const directory = gitRepo({
      'opencode.json': JSON.stringify({
        command: {
          fix: {
            template: 'Fix $1',
            description: 'Fix an issue',
            agent: 'plan',
            model: 'anthropic/claude-sonnet-4-5',
            subtask: false,
          },
          bare: { template: 'Just this' },
          tuned: { template: 'Think', model: 'openai/gpt-5', variant: 'high' },
        },
      }),
      '.opencode/command/notes.md': '---\ndescription: From a file\n---\nWrite notes\n',
      '.opencode/skill/deploy/SKILL.md': '---\nname: deploy\ndescription: Deploys\n---\nGo\n',
    });
    t = await startTestApp({ directory });
  });
  afterAll(() => t.close());

  it('lists the built-in and configured commands in { location, data }, without skills', async () => {
    const res = await t.http.get('/api/command').expect(200);
    expect(res.body.location).toEqual({
      directory: t.directory,
      project: { id: expect.stringMatching(/^[0-9a-f]{40}$/), directory: t.directory },
    });
    const data = res.body.data as Array<Record<string, unknown>>;
    expect(data.map((command) => command.name)).toEqual([
      'init',
      'review',
      'fix',
      'bare',
      'tuned',
      'notes',
    ]);
    const byName = Object.fromEntries(data.map((command) => [command.name, command]));
    expect(byName.init).toEqual({
      name: 'init',
      template: expect.stringContaining(t.directory),
      description: 'create/update AGENTS.md',
    });
    expect(byName.review).toMatchObject({ subtask: true });
    expect(byName.fix).toEqual({
      name: 'fix',
      template: 'Fix $1',
      description: 'Fix an issue',
      agent: 'plan',
      model: { id: 'claude-sonnet-4-5', providerID: 'anthropic' },
      subtask: false,
    });
    expect(byName.bare).toEqual({ name: 'bare', template: 'Just this' });
    expect(byName.tuned).toEqual({
      name: 'tuned',
      template: 'Think',
      model: { id: 'gpt-5', providerID: 'openai', variant: 'high' },
    });
    expect(byName.notes).toEqual({
      name: 'notes',
      template: 'Write notes',
      description: 'From a file',
    });
  });

  it('works in the location the SDK names, and refuses a missing one with a 400', async () => {
    const pkg = join(t.directory, 'pkg');
    writeFiles(pkg, { '.opencode/command/local.md': 'Local command\n' });
    const res = await t.http
      .get('/api/command')
      .query({ directory: pkg, 'location[directory]': pkg })
      .expect(200);
    expect(res.body.location.directory).toBe(pkg);
    expect((res.body.data as Array<{ name: string }>).map((c) => c.name)).toContain('local');
    const viaHeader = await t.http
      .get('/api/command')
      .set('x-opencode-directory', encodeURIComponent(pkg))
      .expect(200);
    expect(viaHeader.body).toEqual(res.body);

    const missing = await t.http
      .get('/api/command')
      .set('x-opencode-directory', encodeURIComponent(join(t.directory, 'nope')))
      .expect(400);
    expect(missing.body).toMatchObject({
      _tag: 'InvalidRequestError',
      field: 'x-opencode-directory',
    });
  });
});
