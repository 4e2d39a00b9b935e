import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
  type StoredMessage,
} from '../support/agent-app';
import { runGit, tempDir, writeFiles } from '../support/fixtures';

type ToolPart = StoredMessage['parts'][number];

interface ToolItem {
  id: string;
  description: string;
  parameters: Record<string, unknown>;
}

interface SentTool {
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** What `alpha_tool`'s schema is replaced with, as a plugin written for 1.18.33 does. */
const ALPHA_SCHEMA = {
  type: 'object',
  properties: { extra: { type: 'string', description: 'added by the hook' } },
  required: ['extra'],
};

/*
 * Plugins' object-shaped `tool` hook (tools registered after the tool files, in plugin order,
 * named by their keys) and the `tool.definition` hook (what GET /experimental/tool lists and what
 * the fake model is sent), over real HTTP.
 */
function fixture(): string {
  const directory = tempDir('opencode-plugin-tools-');
  runGit(directory, 'init', '-q', '-b', 'main');
  writeFiles(directory, {
    '.opencode/tool/stamp.js': `
export default { description: 'Stamps text', args: { text: { type: 'string' } }, async execute(args) { return 'stamped ' + args.text; } };
export const upper = { description: 'Upper-cases text', args: { text: { type: 'string' } }, async execute(args) { return args.text.toUpperCase(); } };
`,
    // Sorted before b-plugin.js: its tools come first.
    '.opencode/plugin/a-plugin.ts': `
import { tool, type Plugin } from '@opencode-ai/plugin';

export const First: Plugin = async () => ({
  tool: {
    'zeta-tool': tool({
      description: 'Counts',
      args: { n: tool.schema.number().int().max(5).describe('How many') },
      async execute(args, ctx) {
        ctx.metadata({ title: 'counting', metadata: { n: args.n } });
        return { title: 'counted', output: 'n=' + args.n + ' by ' + ctx.agent + ' in ' + ctx.directory };
      },
    }),
    alpha_tool: tool({ description: 'Alpha', args: {}, async execute() { return 'alpha ran'; } }),
    thrower_tool: tool({ description: 'Fails', args: {}, async execute() { throw new Error('plugin tool blew up'); } }),
    bad: 42 as never,
  },
  'tool.definition': async (input, output) => {
    if (input.toolID === 'stamp') output.description = 'CHANGED stamp';
    if (input.toolID === 'bash') output.description += ' (watched)';
    if (input.toolID === 'zeta-tool') {
      // Edited in place.
      output.parameters.properties.note = { type: 'string', description: 'a note' };
    }
    if (input.toolID === 'alpha_tool') {
      (output as unknown as { jsonSchema: unknown }).jsonSchema = ${JSON.stringify(ALPHA_SCHEMA)};
    }
  },
});
`,
    '.opencode/plugin/b-plugin.js': `
export default async function Second() {
  return { tool: { beta: { description: 'Beta', args: {}, async execute() { return 'beta'; } } } };
}
`,
  });
  return directory;
}

describe('plugin tools and the tool.definition hook', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp({ directory: fixture(), captureLogs: true });
  });
  afterAll(() => t.close());

  async function listTools(): Promise<ToolItem[]> {
    const response = await t.http
      .get('/experimental/tool')
      .query({ provider: 'fake', model: 'fake-model' })
      .expect(200);
    return response.body as ToolItem[];
  }

  async function callTool(
    sessionID: string,
    tool: string,
    input: Record<string, unknown>,
  ): Promise<ToolPart> {
    t.model.enqueue({ toolCalls: [{ name: tool, arguments: input }] }, { text: 'done' });
    await t.prompt(sessionID, `use ${tool}`);
    const messages = await t.messages(sessionID);
    return messages
      .flatMap((message) => message.parts)
      .filter((part) => part.type === 'tool' && part.tool === tool)
      .at(-1)!;
  }

  function lastToolResult(): string {
    const request = turnRequests(t.model).at(-1)!;
    const tool = requestMessages(request)
      .filter((message) => message.role === 'tool')
      .at(-1);
    return JSON.stringify(tool?.content);
  }

  it('lists built-ins, then file tools, then plugin tools in plugin order', async () => {
    const ids = (await t.http.get('/experimental/tool/ids').expect(200)).body as string[];
    const skill = ids.indexOf('skill');
    expect(skill).toBeGreaterThan(ids.indexOf('read'));
    expect(ids.slice(skill + 1)).toEqual([
      'stamp',
      'stamp_upper',
      'zeta-tool',
      'alpha_tool',
      'thrower_tool',
      'beta',
    ]);
    // An entry that is not a tool is skipped and logged.
    expect(t.logs()).toContain('skipped tool bad');
    const listed = (await listTools()).map((tool) => tool.id);
    expect(listed).toEqual(expect.arrayContaining(ids));
  });

  it('lists tools as tool.definition hooks leave them', async () => {
    const tools = await listTools();
    const byId = new Map(tools.map((tool) => [tool.id, tool]));
    expect(byId.get('stamp')!.description).toBe('CHANGED stamp');
    expect(byId.get('stamp_upper')!.description).toBe('Upper-cases text');
    expect(byId.get('bash')!.description).toMatch(/ \(watched\)$/);
    expect(byId.get('zeta-tool')!.parameters).toMatchObject({
      type: 'object',
      properties: {
        n: { type: 'integer', maximum: 5, description: 'How many' },
        note: { type: 'string', description: 'a note' },
      },
      required: ['n'],
    });
    expect(byId.get('alpha_tool')!.parameters).toEqual(ALPHA_SCHEMA);
    expect(byId.get('beta')!.parameters).toMatchObject({ type: 'object', properties: {} });
  });

  it('sends the model the plugin tools and the changed definitions', async () => {
    const sessionID = await t.createSession('definitions');
    t.model.enqueue({ text: 'ok' });
    await t.prompt(sessionID, 'hello');
    const sent = (turnRequests(t.model).at(-1)!.body as { tools: SentTool[] }).tools;
    const byName = new Map(sent.map((tool) => [tool.function.name, tool.function]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining(['stamp', 'stamp_upper', 'zeta-tool', 'alpha_tool', 'beta']),
    );
    expect(byName.get('stamp')!.description).toBe('CHANGED stamp');
    expect(byName.get('bash')!.description).toMatch(/ \(watched\)$/);
    expect(byName.get('alpha_tool')!.parameters).toMatchObject(ALPHA_SCHEMA);
    expect(byName.get('zeta-tool')!.parameters).toMatchObject({
      properties: { n: { type: 'integer' }, note: { type: 'string' } },
      required: ['n'],
    });
  });

  it('runs a plugin tool with its context; the changed schema lets through what it added', async () => {
    const sessionID = await t.createSession('zeta');
    const part = await callTool(sessionID, 'zeta-tool', { n: 3, note: 'from the model' });
    expect(part.state.status).toBe('completed');
    expect(part.state.title).toBe('counted');
    expect(part.state.output).toBe(`n=3 by build in ${t.directory}`);
    const running = t
      .sessionEvents(sessionID)
      .filter((event) => event.type === 'message.part.updated')
      .map((event) => event.properties.part as ToolPart)
      .filter((p) => p.type === 'tool' && p.state.status === 'running');
    expect(running.some((p) => p.state.title === 'counting')).toBe(true);
  });

  it("validates a plugin tool's arguments with its own schema before execute", async () => {
    const sessionID = await t.createSession('zeta bad');
    const part = await callTool(sessionID, 'zeta-tool', { n: 9 });
    expect(part.state.status).toBe('error');
    expect(lastToolResult()).toMatch(/n|5/);
  });

  it('checks a call against a schema the hook replaced, which the tool then runs with', async () => {
    const sessionID = await t.createSession('alpha');
    const ran = await callTool(sessionID, 'alpha_tool', { extra: 'x' });
    expect(ran.state.status).toBe('completed');
    expect(ran.state.output).toBe('alpha ran');
    const refused = await callTool(sessionID, 'alpha_tool', {});
    expect(refused.state.status).toBe('error');
  });

  it('makes a plugin tool that throws a tool error, logged with its plugin', async () => {
    const sessionID = await t.createSession('thrower');
    const part = await callTool(sessionID, 'thrower_tool', {});
    expect(part.state.status).toBe('error');
    expect(part.state.error).toContain('plugin tool blew up');
    expect(t.logs()).toContain('a-plugin.ts');
    const beta = await callTool(sessionID, 'beta', {});
    expect(beta.state.output).toBe('beta');
  });
});
