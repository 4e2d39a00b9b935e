import { Logger } from '@nestjs/common';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
  type StoredMessage,
} from '../support/agent-app';
import { gitRepo, tempDir, writeFiles } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

interface SkillBody {
  name: string;
  description?: string;
  location: string;
  content: string;
}

interface CommandBody {
  name: string;
  description?: string;
  source?: string;
  template: string;
  hints: string[];
}

const BUILT_IN = 'customize-opencode';

const skillFile = (name: string, description?: string, body = `${name} body\n`) =>
  ['---', `name: ${name}`, ...(description ? [`description: ${description}`] : []), '---', body]
    .join('\n')
    .trimEnd() + '\n';

describe('skills: GET /skill and GET /command', () => {
  let t: TestApp;
  afterEach(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  it('lists only the built-in skill when there are none', async () => {
    t = await startTestApp();
    const skills = (await t.http.get('/skill').expect(200)).body as SkillBody[];
    expect(skills).toHaveLength(1);
    expect(skills[0]).toEqual({
      name: BUILT_IN,
      description: expect.stringMatching(/^Use ONLY when/),
      location: '<built-in>',
      content: expect.stringContaining('opencode.json'),
    });
  });

  it('finds skills in every place, later places replacing same-named skills in their slot', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const home = tempDir('opencode-home-');
    writeFiles(home, {
      '.claude/skills/personal/SKILL.md': skillFile('personal', 'From ~/.claude', '\nKeep it.\n'),
      '.claude/skills/dup/SKILL.md': skillFile('dup', 'home claude'),
      '.agents/skills/agents/SKILL.md': skillFile('agents', 'From ~/.agents'),
      '.config/opencode/skill/dup/SKILL.md': skillFile('dup', 'global config'),
      '.config/opencode/skills/global/SKILL.md': skillFile('global', 'From the global config'),
      'shared/extra/SKILL.md': skillFile('extra', 'From skills.paths'),
    });
    const directory = gitRepo({
      'opencode.json': JSON.stringify({ skills: { paths: ['~/shared', 'missing-dir'] } }),
      '.claude/skills/project-claude/SKILL.md': skillFile('project-claude', 'Project .claude'),
      '.opencode/skill/dup/SKILL.md': skillFile('dup', 'project root'),
      '.opencode/skill/mine/SKILL.md': skillFile('mine', 'Project skill'),
      '.opencode/skill/mine/scripts/run.sh': 'echo run\n',
      '.opencode/skills/nested/deep/SKILL.md': skillFile('deep', 'Nested deeply'),
      '.opencode/skill/quiet/SKILL.md': skillFile('quiet'),
      '.opencode/skill/nameless/SKILL.md': '---\ndescription: no name\n---\nBody\n',
      '.opencode/skill/broken/SKILL.md': '---\nname: [unclosed\n---\nBody\n',
      '.opencode/skill/lower/skill.md': skillFile('lowercase', 'Not SKILL.md'),
      'pkg/.opencode/skill/dup/SKILL.md': skillFile('dup', 'nearest directory'),
      'pkg/.opencode/skill/custom/SKILL.md': skillFile(BUILT_IN, 'Our own config guide'),
    });
    t = await startTestApp({ home, directory });

    const skills = (await t.http.get('/skill').expect(200)).body as SkillBody[];
    expect(skills.map((skill) => skill.name)).toEqual([
      BUILT_IN,
      'dup',
      'personal',
      'agents',
      'project-claude',
      'global',
      'mine',
      'quiet',
      'deep',
      'extra',
    ]);
    const byName = Object.fromEntries(skills.map((skill) => [skill.name, skill]));
    expect(byName.personal).toEqual({
      name: 'personal',
      description: 'From ~/.claude',
      location: join(home, '.claude/skills/personal/SKILL.md'),
      content: '\nKeep it.\n',
    });
    expect(byName.dup.description).toBe('project root');
    expect(byName.quiet).toEqual({
      name: 'quiet',
      location: join(directory, '.opencode/skill/quiet/SKILL.md'),
      content: 'quiet body\n',
    });
    expect(byName[BUILT_IN].location).toBe('<built-in>');

    // Each skipped file is reported once (per directory), however often skills are read.
    await t.http.get('/skill').expect(200);
    const logged = warn.mock.calls.map(([message]) => String(message));
    for (const path of [
      join(directory, '.opencode/skill/nameless/SKILL.md'),
      join(directory, '.opencode/skill/broken/SKILL.md'),
      join(directory, 'missing-dir'),
    ]) {
      expect(logged.filter((message) => message.includes(path))).toHaveLength(1);
    }

    // From a subdirectory, its own .opencode folder is nearest and wins.
    const fromPkg = (
      await t.http
        .get('/skill')
        .query({ directory: join(directory, 'pkg') })
        .expect(200)
    ).body as SkillBody[];
    const pkgByName = Object.fromEntries(fromPkg.map((skill) => [skill.name, skill]));
    expect(pkgByName.dup.description).toBe('nearest directory');
    expect(fromPkg[0]).toMatchObject({ name: BUILT_IN, description: 'Our own config guide' });

    // The same through the header the official SDK sends.
    const viaHeader = await t.http
      .get('/skill')
      .set('x-opencode-directory', encodeURIComponent(join(directory, 'pkg')))
      .expect(200);
    expect(viaHeader.body).toEqual(fromPkg);
  });

  it('reads a skill written after the first request', async () => {
    t = await startTestApp();
    await t.http.get('/skill').expect(200);
    writeFiles(t.directory, { '.opencode/skills/late/SKILL.md': skillFile('late', 'Added later') });
    const skills = (await t.http.get('/skill').expect(200)).body as SkillBody[];
    expect(skills.map((skill) => skill.name)).toContain('late');
  });

  it('lists skills as commands after the others, unless a command has the name', async () => {
    const directory = gitRepo({
      'opencode.json': JSON.stringify({
        command: { taken: { template: 'The command wins', description: 'a command' } },
      }),
      '.opencode/skill/deploy/SKILL.md': skillFile('deploy', 'Deploys', 'Run $ARGUMENTS\n'),
      '.opencode/skill/taken/SKILL.md': skillFile('taken', 'a skill'),
      '.opencode/skill/quiet/SKILL.md': skillFile('quiet'),
    });
    t = await startTestApp({ directory });
    const commands = (await t.http.get('/command').expect(200)).body as CommandBody[];
    expect(commands.map((command) => command.name)).toEqual([
      'init',
      'review',
      'taken',
      BUILT_IN,
      'deploy',
      'quiet',
    ]);
    const byName = Object.fromEntries(commands.map((command) => [command.name, command]));
    expect(byName.taken).toMatchObject({ source: 'command', template: 'The command wins' });
    expect(byName.deploy).toEqual({
      name: 'deploy',
      description: 'Deploys',
      source: 'skill',
      template: [
        'Run $ARGUMENTS\n',
        '',
        `Base directory for this skill: ${join(directory, '.opencode/skill/deploy')}`,
        'Relative paths in this skill (e.g. scripts/, references/) start from this directory.',
      ].join('\n'),
      hints: [],
    });
    expect(byName.quiet).toEqual({
      name: 'quiet',
      source: 'skill',
      template: expect.stringMatching(/^quiet body\n\n\nBase directory for this skill: /),
      hints: [],
    });
    const builtIn = (await t.http.get('/skill').expect(200)).body as SkillBody[];
    expect(byName[BUILT_IN]).toMatchObject({ template: builtIn[0].content });
  });

  it('answers 400 for a config whose skills section is malformed', async () => {
    const directory = gitRepo({ 'opencode.json': JSON.stringify({ skills: ['a'] }) });
    t = await startTestApp({ directory });
    const response = await t.http.get('/skill').expect(400);
    expect(JSON.stringify(response.body)).toContain('skills');
  });
});

type ToolPart = StoredMessage['parts'][number];

describe('skills: the skill tool in a turn', () => {
  let t: AgentTestApp;
  let skillDir: string;

  beforeAll(async () => {
    t = await startAgentTestApp({
      config: { permission: { skill: { '*': 'allow', secret: 'deny', careful: 'ask' } } },
    });
    skillDir = join(t.directory, '.opencode/skill/deploy');
    writeFiles(t.directory, {
      '.opencode/skill/deploy/SKILL.md': skillFile(
        'deploy',
        'Deploys the app to staging',
        '\n# Deploying\n\nRun scripts/ship.sh.\n',
      ),
      '.opencode/skill/deploy/scripts/ship.sh': 'echo ship\n',
      '.opencode/skill/secret/SKILL.md': skillFile('secret', 'Never offered'),
      '.opencode/skill/careful/SKILL.md': skillFile('careful', 'Needs approval'),
    });
  });
  afterAll(() => t.close());

  async function callSkill(sessionID: string, input: unknown): Promise<ToolPart> {
    t.model.enqueue(
      { toolCalls: [{ name: 'skill', arguments: input as Record<string, unknown> }] },
      { text: 'done' },
    );
    const answer = await t.prompt(sessionID, 'use a skill');
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('done');
    return toolPart(sessionID);
  }

  async function toolPart(sessionID: string): Promise<ToolPart> {
    const messages = await t.messages(sessionID);
    const parts = messages.filter((m) => m.info.role === 'assistant').flatMap((m) => m.parts);
    return parts.filter((part) => part.type === 'tool' && part.tool === 'skill').at(-1)!;
  }

  function lastToolResult(): string {
    const tool = requestMessages(turnRequests(t.model).at(-1)!)
      .filter((message) => message.role === 'tool')
      .at(-1);
    return String(tool?.content);
  }

  it('offers the skills the agent may load in the tool description', async () => {
    const sessionID = await t.createSession('offer');
    await callSkill(sessionID, { name: 'deploy' });
    const request = turnRequests(t.model).at(-2)!;
    const tools = request.body.tools as Array<{
      function: { name: string; description: string; parameters: { required: string[] } };
    }>;
    const skill = tools.find((tool) => tool.function.name === 'skill')!;
    expect(skill.function.parameters.required).toEqual(['name']);
    expect(skill.function.description).toContain(
      [
        '  <skill>',
        '    <name>deploy</name>',
        '    <description>Deploys the app to staging</description>',
        `    <location>${join(skillDir, 'SKILL.md')}</location>`,
        '  </skill>',
      ].join('\n'),
    );
    expect(skill.function.description).toContain(`<name>${BUILT_IN}</name>`);
    expect(skill.function.description).toContain('<name>careful</name>');
    expect(skill.function.description).not.toContain('<name>secret</name>');
  });

  it('loads a skill: the model reads its content, directory and files', async () => {
    const sessionID = await t.createSession('load');
    const part = await callSkill(sessionID, { name: 'deploy' });
    expect(part.state.status).toBe('completed');
    expect(part.state.title).toBe('Loaded skill: deploy');
    expect(part.state.metadata).toMatchObject({ name: 'deploy', dir: skillDir });
    const expected = [
      '<skill_content name="deploy">',
      '# Skill: deploy',
      '',
      '# Deploying\n\nRun scripts/ship.sh.',
      '',
      `Base directory for this skill: ${skillDir}`,
    ].join('\n');
    expect(part.state.output).toContain(expected);
    expect(part.state.output).toContain(
      `<skill_files>\n<file>${join(skillDir, 'scripts/ship.sh')}</file>\n</skill_files>\n</skill_content>`,
    );
    expect(lastToolResult()).toContain(expected);
  });

  it('loads the built-in skill', async () => {
    const sessionID = await t.createSession('built-in');
    const part = await callSkill(sessionID, { name: BUILT_IN });
    expect(part.state.status).toBe('completed');
    expect(part.state.output).toMatch(/^<skill_content name="customize-opencode">\n# Skill: /);
    expect(part.state.output).not.toContain('Base directory');
  });

  it('refuses a skill the config denies, without asking', async () => {
    const sessionID = await t.createSession('deny');
    const part = await callSkill(sessionID, { name: 'secret' });
    expect(part.state.status).toBe('error');
    expect(part.state.error).toMatch(/denies the skill permission for "secret"/);
    expect(t.sessionEvents(sessionID).map((event) => event.type)).not.toContain('permission.asked');
    expect(lastToolResult()).toMatch(/denies/);
  });

  it('asks for a skill the config marks ask, with its name as the pattern', async () => {
    const sessionID = await t.createSession('ask');
    t.model.enqueue(
      { toolCalls: [{ name: 'skill', arguments: { name: 'careful' } }] },
      { text: 'done' },
    );
    const answer = t.prompt(sessionID, 'use the careful skill');
    const asked = await t.waitForEvent('permission.asked', sessionID);
    expect(asked.properties).toMatchObject({
      permission: 'skill',
      patterns: ['careful'],
      always: ['careful'],
      metadata: {},
    });
    await t.http
      .post(`/session/${sessionID}/permissions/${asked.properties.id}`)
      .send({ response: 'once' })
      .expect(200);
    await answer;
    const part = await toolPart(sessionID);
    expect(part.state.status).toBe('completed');
    expect(part.state.output).toContain('careful body');
  });

  it('an unknown name is a tool error listing the skills', async () => {
    const sessionID = await t.createSession('unknown');
    const part = await callSkill(sessionID, { name: 'nope' });
    expect(part.state.status).toBe('error');
    expect(part.state.error).toBe(
      `Skill "nope" not found. Available skills: careful, ${BUILT_IN}, deploy, secret`,
    );
    expect(lastToolResult()).toContain('Skill "nope" not found');
  });

  it('a call without a name, or with a wrong type, is a tool error and the turn goes on', async () => {
    const sessionID = await t.createSession('bad input');
    t.model.enqueue(
      {
        toolCalls: [
          { name: 'skill', arguments: {} },
          { name: 'skill', arguments: { name: 42 } },
        ],
      },
      { text: 'recovered' },
    );
    const answer = await t.prompt(sessionID, 'go');
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('recovered');
    const messages = await t.messages(sessionID);
    const parts = messages[1].parts.filter((part) => part.type === 'tool');
    expect(parts.map((part) => part.state.status)).toEqual(['error', 'error']);
    for (const part of parts) expect(part.state.error).toMatch(/name/);
  });

  it('runs a skill as a slash command', async () => {
    const sessionID = await t.createSession('slash');
    t.model.enqueue({ text: 'deployed' });
    const response = await t.http
      .post(`/session/${sessionID}/command`)
      .send({ command: 'deploy', arguments: 'to staging' })
      .expect(200);
    expect(response.body.parts.find((part: { type: string }) => part.type === 'text').text).toBe(
      'deployed',
    );
    const user = (await t.messages(sessionID))[0];
    const text = user.parts.find((part) => part.type === 'text')?.text as string;
    expect(text).toContain('# Deploying');
    expect(text).toContain(`Base directory for this skill: ${skillDir}`);
    expect(text).toContain('to staging');
  });
});

describe('skills: an agent without the skill permission', () => {
  let t: AgentTestApp;
  beforeAll(async () => {
    t = await startAgentTestApp({ config: { permission: { skill: 'deny' } } });
    mkdirSync(join(t.directory, '.opencode/skill/x'), { recursive: true });
    writeFileSync(join(t.directory, '.opencode/skill/x/SKILL.md'), skillFile('x', 'X'));
  });
  afterAll(() => t.close());

  it('is not offered the skill tool', async () => {
    const sessionID = await t.createSession('no skills');
    t.model.enqueue({ text: 'ok' });
    await t.prompt(sessionID, 'hello');
    const request = turnRequests(t.model).at(-1)!;
    const names = (request.body.tools as Array<{ function: { name: string } }>).map(
      (tool) => tool.function.name,
    );
    expect(names).toContain('read');
    expect(names).not.toContain('skill');
  });
});

describe('skills: GET /api/skill (v2)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    writeFiles(t.directory, {
      '.opencode/skill/deploy/SKILL.md': skillFile('deploy', 'Deploys'),
      'pkg/.opencode/skill/pkg-only/SKILL.md': skillFile('pkg-only', 'Only in pkg'),
    });
  });
  afterAll(() => t.close());

  const projectOf = (directory: string) => ({
    id: expect.stringMatching(/^[0-9a-f]{40}$/),
    directory,
  });

  it('answers { location, data } for the server directory by default', async () => {
    const res = await t.http.get('/api/skill').expect(200);
    expect(res.body.location).toEqual({ directory: t.directory, project: projectOf(t.directory) });
    const data = res.body.data as SkillBody[];
    expect(data.map((skill) => skill.name)).toEqual([BUILT_IN, 'deploy']);
    expect(data[0]).toEqual({
      name: BUILT_IN,
      description: expect.stringMatching(/^Use ONLY when/),
      location: `/builtin/${BUILT_IN}.md`,
      content: expect.stringContaining('opencode.json'),
    });
    expect(data[1]).toEqual({
      name: 'deploy',
      description: 'Deploys',
      location: join(t.directory, '.opencode/skill/deploy/SKILL.md'),
      content: 'deploy body\n',
    });
  });

  it('works in the location of location[directory] or the x-opencode-directory header', async () => {
    const pkg = join(t.directory, 'pkg');
    mkdirSync(pkg, { recursive: true });
    const byQuery = await t.http
      .get('/api/skill')
      .query({ 'location[directory]': pkg, directory: pkg })
      .expect(200);
    expect(byQuery.body.location).toEqual({ directory: pkg, project: projectOf(t.directory) });
    expect((byQuery.body.data as SkillBody[]).map((skill) => skill.name)).toContain('pkg-only');
    const byHeader = await t.http
      .get('/api/skill')
      .set('x-opencode-directory', encodeURIComponent(pkg))
      .expect(200);
    expect(byHeader.body).toEqual(byQuery.body);
    // A bare ?directory= selects nothing on /api routes, as in the reference.
    const bare = await t.http.get('/api/skill').query({ directory: pkg }).expect(200);
    expect(bare.body.location.directory).toBe(t.directory);
  });

  it('refuses a location that does not exist or a malformed workspace with a 400', async () => {
    const missing = await t.http
      .get('/api/skill')
      .query({ 'location[directory]': join(t.directory, 'nope') })
      .expect(400);
    expect(missing.body).toMatchObject({
      _tag: 'InvalidRequestError',
      field: 'location[directory]',
    });
    const workspace = await t.http
      .get('/api/skill')
      .query({ 'location[workspace]': 'not-a-workspace' })
      .expect(400);
    expect(workspace.body).toMatchObject({
      _tag: 'InvalidRequestError',
      field: 'location[workspace]',
    });
  });
});
