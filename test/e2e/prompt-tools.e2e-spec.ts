import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processesMatching } from '../support/processes';
import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
  type StoredMessage,
} from '../support/agent-app';

type ToolPart = StoredMessage['parts'][number];

/** Each built-in tool, called by the fake model in a real turn and checked on disk and in events. */
describe('agent loop: built-in tools', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp();
    mkdirSync(join(t.directory, 'src/lib'), { recursive: true });
    writeFileSync(join(t.directory, 'src/main.ts'), 'export const answer = 42;\n');
    writeFileSync(
      join(t.directory, 'src/lib/util.ts'),
      'export function util() {\n  return 1;\n}\n',
    );
    writeFileSync(join(t.directory, 'notes.txt'), 'alpha\nbeta\ngamma\ndelta\n');
  });
  afterAll(() => t.close());

  /** One turn: the model calls `tool` with `input`, then answers "done". Returns the tool part. */
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

  /** What the model was told about the last tool call of the session. */
  function lastToolResult(): string {
    const request = turnRequests(t.model).at(-1)!;
    const tool = requestMessages(request)
      .filter((message) => message.role === 'tool')
      .at(-1);
    return String(tool?.content);
  }

  it('read: numbered lines, offset and limit', async () => {
    const sessionID = await t.createSession('read');
    const part = await callTool(sessionID, 'read', { filePath: 'notes.txt', offset: 1, limit: 2 });
    expect(part.state.status).toBe('completed');
    expect(part.state.output).toContain('2: beta');
    expect(part.state.output).toContain('3: gamma');
    expect(part.state.output).not.toContain('alpha');
    expect(part.state.output).not.toContain('delta');
    expect(lastToolResult()).toContain('2: beta');
  });

  it('read: a missing file is a tool error the model sees', async () => {
    const sessionID = await t.createSession('read missing');
    const part = await callTool(sessionID, 'read', { filePath: 'nope.txt' });
    expect(part.state.status).toBe('error');
    expect(part.state.error).toMatch(/not found/i);
    expect(lastToolResult()).toMatch(/not found/i);
  });

  it('write: creates the file and publishes file.edited', async () => {
    const sessionID = await t.createSession('write');
    const part = await callTool(sessionID, 'write', {
      filePath: 'out/new.txt',
      content: 'fresh content\n',
    });
    expect(part.state.status).toBe('completed');
    const file = join(t.directory, 'out/new.txt');
    expect(readFileSync(file, 'utf8')).toBe('fresh content\n');
    await t.sse.waitFor(
      (frame) =>
        (frame.data as { type: string }).type === 'file.edited' &&
        (frame.data as { properties: { file: string } }).properties.file === file,
    );
  });

  it('edit: refused before a read, applied after it, publishing file.edited', async () => {
    const sessionID = await t.createSession('edit');
    const refused = await callTool(sessionID, 'edit', {
      filePath: 'src/main.ts',
      oldString: '42',
      newString: '43',
    });
    expect(refused.state.status).toBe('error');
    expect(refused.state.error).toMatch(/read/i);
    expect(readFileSync(join(t.directory, 'src/main.ts'), 'utf8')).toContain('42');

    await callTool(sessionID, 'read', { filePath: 'src/main.ts' });
    const applied = await callTool(sessionID, 'edit', {
      filePath: 'src/main.ts',
      oldString: '42',
      newString: '43',
    });
    expect(applied.state.status).toBe('completed');
    expect(applied.state.metadata).toMatchObject({ filepath: join(t.directory, 'src/main.ts') });
    expect(readFileSync(join(t.directory, 'src/main.ts'), 'utf8')).toBe(
      'export const answer = 43;\n',
    );
    await t.sse.waitFor(
      (frame) =>
        (frame.data as { type: string }).type === 'file.edited' &&
        (frame.data as { properties: { file: string } }).properties.file ===
          join(t.directory, 'src/main.ts'),
    );

    // Another session has not read the file: its edit is refused.
    const other = await t.createSession('edit elsewhere');
    const elsewhere = await callTool(other, 'edit', {
      filePath: 'src/main.ts',
      oldString: '43',
      newString: '44',
    });
    expect(elsewhere.state.status).toBe('error');
  });

  it('edit: a missing old text is a clear error', async () => {
    const sessionID = await t.createSession('edit missing');
    await callTool(sessionID, 'read', { filePath: 'notes.txt' });
    const part = await callTool(sessionID, 'edit', {
      filePath: 'notes.txt',
      oldString: 'epsilon',
      newString: 'zeta',
    });
    expect(part.state.status).toBe('error');
    expect(part.state.error).toMatch(/not found|could not find/i);
  });

  it('bash: runs in the project directory and streams output into the metadata', async () => {
    const sessionID = await t.createSession('bash');
    const part = await callTool(sessionID, 'bash', {
      command: 'pwd; for i in 1 2 3; do echo line-$i; sleep 0.15; done; exit 3',
      description: 'Print lines',
    });
    expect(part.state.status).toBe('completed');
    expect(part.state.output).toContain(t.directory);
    expect(part.state.output).toContain('line-3');
    expect(part.state.output).toContain('Exit code: 3');
    expect(part.state.title).toBe('Print lines');
    expect(part.state.metadata).toMatchObject({ exit: 3, description: 'Print lines' });
    // While it ran, the part was updated with the output so far.
    const running = t
      .sessionEvents(sessionID)
      .filter(
        (event) =>
          event.type === 'message.part.updated' &&
          event.properties.part.id === part.id &&
          event.properties.part.state.status === 'running' &&
          typeof event.properties.part.state.metadata?.output === 'string',
      );
    const outputs = running.map((event) => event.properties.part.state.metadata.output as string);
    expect(outputs.some((output) => output.includes('line-1') && !output.includes('line-3'))).toBe(
      true,
    );
  });

  it('bash: output followed by a quiet spell shows up while the command runs', async () => {
    const sessionID = await t.createSession('bash quiet spell');
    t.model.enqueue(
      {
        toolCalls: [
          {
            name: 'bash',
            arguments: { command: 'echo first; sleep 0.02; echo second; sleep 0.8; echo third' },
          },
        ],
      },
      { text: 'done' },
    );
    const answer = t.prompt(sessionID, 'go');
    // Output updates are throttled, but the last one before the pause is not lost.
    const update = await t.waitForEvent('message.part.updated', sessionID, {
      match: (event) =>
        event.properties.part.state?.status === 'running' &&
        String(event.properties.part.state.metadata?.output ?? '').includes('second'),
      timeoutMs: 600,
    });
    expect(update.properties.part.state.metadata.output).not.toContain('third');
    await answer;
  });

  it('bash: a command that leaves a background child returns when the shell exits', async () => {
    const sessionID = await t.createSession('bash background');
    const marker = `bg-marker-${process.pid}-${Date.now()}`;
    const started = Date.now();
    const part = await callTool(sessionID, 'bash', {
      command: `sh -c 'sleep 30; : ${marker}' & echo started`,
      timeout: 20_000,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(part.state.status).toBe('completed');
    expect(part.state.output).toContain('started');
    // What the command left running belongs to its process group, which is stopped with it.
    await expect(processesMatching(marker)).resolves.toEqual([]);
  });

  it('bash: a timeout stops the command and its children, and says so', async () => {
    const sessionID = await t.createSession('bash timeout');
    const marker = `timeout-marker-${process.pid}-${Date.now()}`;
    const started = Date.now();
    const part = await callTool(sessionID, 'bash', {
      command: `echo before; sh -c 'sleep 30; : ${marker}'`,
      timeout: 300,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(part.state.status).toBe('completed');
    expect(part.state.output).toContain('before');
    expect(part.state.output).toMatch(/stopped after 300 ms \(timeout\)/);
    await expect(processesMatching(marker)).resolves.toEqual([]);
  });

  it('bash: output past the cap is cut with a note', async () => {
    const sessionID = await t.createSession('bash big output');
    const part = await callTool(sessionID, 'bash', {
      command: "head -c 80000 /dev/zero | tr '\\0' a",
    });
    expect(part.state.status).toBe('completed');
    expect(part.state.output.length).toBeLessThan(52_000);
    expect(part.state.output).toMatch(/truncated/i);
    expect(lastToolResult()).toMatch(/truncated/i);
  });

  it('bash and /shell run with the config shell', async () => {
    await t.http.patch('/config').send({ shell: '/bin/sh' }).expect(200);
    try {
      const sessionID = await t.createSession('config shell');
      const bash = await callTool(sessionID, 'bash', { command: 'echo "$0"' });
      expect(bash.state.output).toBe('/bin/sh\n');
      const shell = await t.http
        .post(`/session/${sessionID}/shell`)
        .send({ agent: 'build', command: 'echo "$0"' })
        .expect(200);
      const part = (shell.body as { parts: ToolPart[] }).parts.find((p) => p.type === 'tool');
      expect(part?.state.output).toBe('/bin/sh\n');
    } finally {
      await t.http.patch('/config').send({ shell: 'bash' }).expect(200);
    }
  });

  it('output is cut at the config tool_output limits, for tools without limits of their own', async () => {
    await t.http
      .patch('/config')
      .send({ tool_output: { max_lines: 3 } })
      .expect(200);
    try {
      const sessionID = await t.createSession('tool_output');
      const bash = await callTool(sessionID, 'bash', { command: 'seq 1 10' });
      expect(bash.state.output).toBe(
        '1\n2\n3\n\n(Output cut at 3 lines or 51200 bytes: 16 of its 21 bytes were left out. Narrow the request, or read a file in pieces with offset and limit, to see the rest.)',
      );
      expect(lastToolResult()).toContain('Output cut at 3 lines');
      // grep keeps its own limits (it says how many matches it left out).
      const grep = await callTool(sessionID, 'grep', { pattern: 'a' });
      expect(grep.state.output).not.toContain('Output cut');
    } finally {
      await t.http
        .patch('/config')
        .send({ tool_output: { max_lines: 2000 } })
        .expect(200);
    }
  });

  it('grep, glob and list', async () => {
    const sessionID = await t.createSession('search');
    const grep = await callTool(sessionID, 'grep', { pattern: 'return 1' });
    expect(grep.state.status).toBe('completed');
    expect(grep.state.output).toContain('src/lib/util.ts');
    const glob = await callTool(sessionID, 'glob', { pattern: '**/*.ts' });
    expect(glob.state.status).toBe('completed');
    expect(glob.state.output).toContain('src/lib/util.ts');
    expect(glob.state.output).toContain('src/main.ts');
    const list = await callTool(sessionID, 'list', { path: 'src' });
    expect(list.state.status).toBe('completed');
    expect(list.state.output).toContain('lib/');
    expect(list.state.output).toContain('main.ts');
  });

  it('todowrite and todoread: stored, published as todo.updated, read back', async () => {
    const sessionID = await t.createSession('todos');
    const todos = [
      { content: 'Write tests', status: 'in_progress', priority: 'high' },
      { content: 'Fix bugs', status: 'pending', priority: 'medium' },
    ];
    const write = await callTool(sessionID, 'todowrite', { todos });
    expect(write.state.status).toBe('completed');
    const updated = await t.waitForEvent('todo.updated', sessionID);
    expect(updated.properties).toEqual({ sessionID, todos });
    expect((await t.http.get(`/session/${sessionID}/todo`).expect(200)).body).toEqual(todos);
    const read = await callTool(sessionID, 'todoread', {});
    expect(read.state.status).toBe('completed');
    expect(JSON.parse(read.state.output)).toEqual(todos);
  });

  it('task: runs a subagent in a child session and returns its answer', async () => {
    const sessionID = await t.createSession('task');
    t.model.enqueue(
      {
        toolCalls: [
          {
            name: 'task',
            arguments: {
              description: 'Find the answer',
              prompt: 'What is the answer in src/main.ts?',
              subagent_type: 'general',
            },
          },
        ],
      },
      // The subagent's own turn.
      { text: 'The subagent says 43.' },
      // The parent's answer after the tool.
      { text: 'done' },
    );
    await t.prompt(sessionID, 'delegate');
    const messages = await t.messages(sessionID);
    const task = messages.flatMap((m) => m.parts).find((part) => part.type === 'tool')!;
    expect(task.state.status).toBe('completed');
    expect(task.state.output).toContain('The subagent says 43.');
    const childID = task.state.metadata.sessionId as string;
    expect(childID).toMatch(/^ses_/);

    const child = (await t.http.get(`/session/${childID}`).expect(200)).body;
    expect(child.parentID).toBe(sessionID);
    expect(child.title).toContain('Find the answer');
    const children = (await t.http.get(`/session/${sessionID}/children`).expect(200)).body;
    expect(children.map((session: { id: string }) => session.id)).toEqual([childID]);
    const childMessages = await t.messages(childID);
    expect(childMessages.map((m) => m.info.role)).toEqual(['user', 'assistant']);
    expect(childMessages[0].info.agent).toBe('general');
    expect(childMessages[0].parts[0].text).toBe('What is the answer in src/main.ts?');
    // The subagent's request did not include the task tool (no recursion).
    const childRequest = turnRequests(t.model).find((request) =>
      JSON.stringify(request.body.messages).includes('What is the answer in src/main.ts?'),
    )!;
    const toolNames = (childRequest.body.tools as Array<{ function: { name: string } }>).map(
      (tool) => tool.function.name,
    );
    expect(toolNames).not.toContain('task');
  });

  it('task: config subagent_depth lets a subagent start subagents of its own', async () => {
    await t.http.patch('/config').send({ subagent_depth: 2 }).expect(200);
    try {
      const sessionID = await t.createSession('nested task');
      t.model.enqueue(
        {
          toolCalls: [
            {
              name: 'task',
              arguments: {
                description: 'Delegate deeper',
                prompt: 'Nested question',
                subagent_type: 'general',
              },
            },
          ],
        },
        { text: 'The subagent answers.' },
        { text: 'done' },
      );
      await t.prompt(sessionID, 'delegate twice');
      const childRequest = turnRequests(t.model).find((request) =>
        JSON.stringify(request.body.messages).includes('Nested question'),
      )!;
      const toolNames = (childRequest.body.tools as Array<{ function: { name: string } }>).map(
        (tool) => tool.function.name,
      );
      expect(toolNames).toContain('task');
    } finally {
      await t.http.patch('/config').send({ subagent_depth: 1 }).expect(200);
    }
  });

  describe('webfetch', () => {
    let server: Server;
    let origin: string;

    beforeAll(async () => {
      server = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          '<html><head><title>Doc</title></head><body><h1>Local page</h1><p>Some <b>bold</b> text.</p></body></html>',
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('fetches a page and returns it as markdown', async () => {
      const sessionID = await t.createSession('webfetch');
      const part = await callTool(sessionID, 'webfetch', {
        url: `${origin}/page`,
        format: 'markdown',
      });
      expect(part.state.status).toBe('completed');
      expect(part.state.output).toContain('# Local page');
      expect(part.state.output).toContain('**bold**');
    });

    it('refuses other schemes as a tool error', async () => {
      const sessionID = await t.createSession('webfetch scheme');
      const part = await callTool(sessionID, 'webfetch', { url: 'file:///etc/passwd' });
      expect(part.state.status).toBe('error');
      expect(part.state.output).toBeUndefined();
    });
  });

  it('an unknown tool or invalid input is a tool error the model sees, and the turn goes on', async () => {
    const sessionID = await t.createSession('bad calls');
    t.model.enqueue(
      {
        toolCalls: [
          { name: 'no_such_tool', arguments: {} },
          { name: 'read', arguments: '{"filePath": 12' },
        ],
      },
      { text: 'recovered' },
    );
    const answer = await t.prompt(sessionID, 'go');
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('recovered');
    const messages = await t.messages(sessionID);
    const tools = messages[1].parts.filter((part) => part.type === 'tool');
    expect(tools.map((part) => part.state.status)).toEqual(['error', 'error']);
    const results = requestMessages(turnRequests(t.model).at(-1)!).filter(
      (message) => message.role === 'tool',
    );
    expect(results).toHaveLength(2);
  });
});
