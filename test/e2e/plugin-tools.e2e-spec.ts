import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
  type StoredMessage,
} from '../support/agent-app';

type ToolPart = StoredMessage['parts'][number];

interface ToolItem {
  id: string;
  description: string;
  parameters: {
    type?: string;
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
}

/** Custom tools from `.opencode/tool/` files, called by the fake model in real turns. */
describe('custom tools: .opencode/tool/*.{js,ts}', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    // `guarded` asks (the default rule allows what no rule names).
    t = await startAgentTestApp({
      captureLogs: true,
      config: { permission: { guarded: 'ask' } },
    });
    const toolDir = join(t.directory, '.opencode/tool');
    mkdirSync(toolDir, { recursive: true });
    // TypeScript importing @opencode-ai/plugin, which the project has not installed.
    writeFileSync(
      join(toolDir, 'stamp.ts'),
      `import { tool, type ToolContext } from '@opencode-ai/plugin';
export default tool({
  description: 'Repeats a stamp',
  args: {
    word: tool.schema.string().describe('The word to stamp'),
    times: tool.schema.number().int().max(5).describe('How many times'),
  },
  async execute(args, ctx: ToolContext) {
    ctx.metadata({ title: 'stamping ' + args.word, metadata: { progress: 'half' } });
    return { title: 'stamped', output: (args.word + ' ').repeat(args.times).trim() + ' in ' + ctx.directory, metadata: { agent: ctx.agent } };
  },
});
export const upper = tool({
  description: 'Upper-cases text',
  args: { text: tool.schema.string() },
  async execute(args) { return args.text.toUpperCase(); },
});
export const notATool = 42;
`,
    );
    // Plain JS, asking a permission through the context.
    writeFileSync(
      join(toolDir, 'guarded.js'),
      `import { tool } from '@opencode-ai/plugin';
export default tool({
  description: 'Does something guarded',
  args: {},
  async execute(_args, ctx) {
    await ctx.ask({ permission: 'guarded', patterns: ['secret/*'], always: ['secret/*'], metadata: { why: 'test' } });
    return 'allowed';
  },
});
`,
    );
    writeFileSync(
      join(toolDir, 'thrower.js'),
      `export default { description: 'Always fails', args: {}, async execute() { throw new Error('tool blew up'); } };`,
    );
    // A file that throws at import: skipped, the others work.
    writeFileSync(join(toolDir, 'broken.ts'), `throw new Error('broken at import');\n`);
  });
  afterAll(() => t.close());

  async function listTools(): Promise<ToolItem[]> {
    return (
      await t.http
        .get('/experimental/tool')
        .query({ provider: 'fake', model: 'fake-model' })
        .expect(200)
    ).body as ToolItem[];
  }

  async function callTool(
    sessionID: string,
    tool: string,
    input: Record<string, unknown>,
  ): Promise<ToolPart> {
    t.model.enqueue({ toolCalls: [{ name: tool, arguments: input }] }, { text: 'done' });
    const answer = await t.prompt(sessionID, `use ${tool}`);
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('done');
    const messages = await t.messages(sessionID);
    const parts = messages.filter((m) => m.info.role === 'assistant').flatMap((m) => m.parts);
    return parts.filter((part) => part.type === 'tool' && part.tool === tool).at(-1)!;
  }

  function lastToolResult(): string {
    const request = turnRequests(t.model).at(-1)!;
    const tool = requestMessages(request)
      .filter((message) => message.role === 'tool')
      .at(-1);
    return JSON.stringify(tool?.content);
  }

  it('lists the file tools with their JSON schema, named after file and export', async () => {
    const tools = await listTools();
    const ids = tools.map((tool) => tool.id);
    expect(ids).toEqual(expect.arrayContaining(['stamp', 'stamp_upper', 'guarded', 'thrower']));
    expect(ids).not.toContain('stamp_notATool');
    expect(ids.some((id) => id.startsWith('broken'))).toBe(false);
    // After the built-in tools.
    expect(ids.indexOf('stamp')).toBeGreaterThan(ids.indexOf('read'));
    const stamp = tools.find((tool) => tool.id === 'stamp')!;
    expect(stamp.description).toBe('Repeats a stamp');
    expect(stamp.parameters).toMatchObject({
      type: 'object',
      properties: {
        word: { type: 'string', description: 'The word to stamp' },
        times: { type: 'integer', maximum: 5, description: 'How many times' },
      },
      required: ['word', 'times'],
    });
    expect(tools.find((tool) => tool.id === 'guarded')!.parameters).toMatchObject({
      type: 'object',
      properties: {},
    });
    // The broken file is logged with its path and error.
    expect(t.logs()).toContain('broken.ts');
    expect(t.logs()).toContain('broken at import');
  });

  it('sends the tools to the model and runs a call with ctx.metadata() on the part', async () => {
    const sessionID = await t.createSession('stamp');
    const part = await callTool(sessionID, 'stamp', { word: 'ok', times: 3 });
    expect(part.state.status).toBe('completed');
    expect(part.state.output).toBe(`ok ok ok in ${t.directory}`);
    expect(part.state.title).toBe('stamped');
    expect(part.state.metadata).toMatchObject({ agent: 'build' });
    expect(lastToolResult()).toContain('ok ok ok');
    const running = t
      .sessionEvents(sessionID)
      .filter((event) => event.type === 'message.part.updated')
      .map((event) => event.properties.part as ToolPart)
      .filter((p) => p.type === 'tool' && p.state.status === 'running');
    expect(running.some((p) => p.state.title === 'stamping ok')).toBe(true);
    expect(running.some((p) => p.state.metadata?.progress === 'half')).toBe(true);
    const tools = (
      turnRequests(t.model).at(-1)!.body as { tools?: Array<{ function: { name: string } }> }
    ).tools;
    expect(tools?.map((tool) => tool.function.name)).toEqual(
      expect.arrayContaining(['stamp', 'stamp_upper']),
    );
  });

  it('runs a named export as <file>_<export>', async () => {
    const sessionID = await t.createSession('upper');
    const part = await callTool(sessionID, 'stamp_upper', { text: 'loud' });
    expect(part.state.status).toBe('completed');
    expect(part.state.output).toBe('LOUD');
  });

  it('refuses bad arguments before execute, as a tool error the model sees', async () => {
    const sessionID = await t.createSession('bad args');
    const part = await callTool(sessionID, 'stamp', { word: 'x', times: 9 });
    expect(part.state.status).toBe('error');
    expect(part.state.metadata?.progress).toBeUndefined();
    expect(lastToolResult()).toMatch(/times|5/);
  });

  it('makes a tool that throws a tool error, and the turn goes on', async () => {
    const sessionID = await t.createSession('thrower');
    const part = await callTool(sessionID, 'thrower', {});
    expect(part.state.status).toBe('error');
    expect(part.state.error).toContain('tool blew up');
    expect(t.logs()).toContain('thrower.js');
  });

  it('asks a permission through ctx.ask() and runs once allowed', async () => {
    const sessionID = await t.createSession('guarded');
    t.model.enqueue({ toolCalls: [{ name: 'guarded', arguments: {} }] }, { text: 'done' });
    await t.promptAsync(sessionID, 'use guarded');
    const asked = await t.waitForEvent('permission.asked', sessionID);
    expect(asked.properties).toMatchObject({
      permission: 'guarded',
      patterns: ['secret/*'],
      always: ['secret/*'],
      metadata: { why: 'test' },
    });
    await t.http
      .post(`/permission/${asked.properties.id}/reply`)
      .send({ reply: 'once' })
      .expect(200);
    await t.waitForIdle(sessionID);
    const messages = await t.messages(sessionID);
    const part = messages
      .flatMap((m) => m.parts)
      .find((p) => p.type === 'tool' && p.tool === 'guarded')!;
    expect(part.state.status).toBe('completed');
    expect(part.state.output).toBe('allowed');
  });

  it('stores a noReply prompt sent while the session is busy (no 409), and the turn ends normally', async () => {
    const sessionID = await t.createSession('busy noReply');
    t.model.enqueue({ toolCalls: [{ name: 'guarded', arguments: {} }] }, { text: 'finished' });
    await t.promptAsync(sessionID, 'use guarded');
    const asked = await t.waitForEvent('permission.asked', sessionID);
    // As a plugin's tool does through `client.session.prompt` while its turn runs.
    const injected = await t.http
      .post(`/session/${sessionID}/message`)
      .send({ noReply: true, parts: [{ type: 'text', text: 'context from a plugin' }] })
      .expect(200);
    expect(injected.body.info).toMatchObject({ role: 'user', sessionID });
    expect(injected.body.parts[0]).toMatchObject({ type: 'text', text: 'context from a plugin' });
    await t.http
      .post(`/permission/${asked.properties.id}/reply`)
      .send({ reply: 'once' })
      .expect(200);
    await t.waitForIdle(sessionID);
    const messages = await t.messages(sessionID);
    expect(messages.some((m) => m.parts.some((p) => p.text === 'context from a plugin'))).toBe(
      true,
    );
  });
});
