import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgentTestApp, turnRequests, type AgentTestApp } from '../support/agent-app';
import { fakeMcpStdioCommand } from '../support/fake-mcp-server';
import { SnapshotService } from '../../src/snapshot/snapshot.service';
import { tempDir } from '../support/fixtures';

/** Upper-cases the file it is given: a formatter whose effect is easy to see. */
const UPPER_FORMATTER = `const fs = require('node:fs');
const file = process.argv[2];
fs.writeFileSync(file, fs.readFileSync(file, 'utf8').toUpperCase());
`;

const FAKE_LSP_SERVER = join(__dirname, '..', 'support', 'fake-lsp-server.js');

describe('agent loop: MCP tools, formatters and language servers', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    const scripts = tempDir();
    const formatter = join(scripts, 'upper.js');
    writeFileSync(formatter, UPPER_FORMATTER);
    t = await startAgentTestApp({
      config: {
        mcp: { fake: { type: 'local', command: fakeMcpStdioCommand(), timeout: 10_000 } },
        formatter: { upper: { command: ['node', formatter, '$FILE'], extensions: ['.up'] } },
        lsp: { fake: { command: ['node', FAKE_LSP_SERVER], extensions: ['.fake'] } },
      },
    });
  });
  afterAll(() => t.close());

  it('offers the tools of configured MCP servers to the model and runs them', async () => {
    const sessionID = await t.createSession('mcp');
    const before = turnRequests(t.model).length;
    t.model.enqueue(
      { toolCalls: [{ name: 'fake_echo', arguments: { text: 'from mcp' } }] },
      { text: 'done' },
    );
    await t.prompt(sessionID, 'use the echo tool');
    const first = turnRequests(t.model)[before];
    const offered = (first.body.tools as Array<{ function: { name: string } }>).map(
      (tool) => tool.function.name,
    );
    expect(offered).toEqual(expect.arrayContaining(['fake_echo', 'fake_add', 'read', 'bash']));
    const messages = await t.messages(sessionID);
    const tool = messages[1].parts.find((part) => part.type === 'tool');
    expect(tool?.state?.status).toBe('completed');
    expect(tool?.state?.output).toContain('from mcp');
  });

  it('formats a file the model writes, and the next edit sees the formatted text', async () => {
    const sessionID = await t.createSession('format');
    const file = join(t.directory, 'note.up');
    t.model.enqueue(
      { toolCalls: [{ name: 'write', arguments: { filePath: file, content: 'hello\n' } }] },
      {
        toolCalls: [
          { name: 'edit', arguments: { filePath: file, oldString: 'HELLO', newString: 'bye' } },
        ],
      },
      { text: 'done' },
    );
    await t.prompt(sessionID, 'write then edit');
    const messages = await t.messages(sessionID);
    const tools = messages.flatMap((message) =>
      message.parts.filter((part) => part.type === 'tool'),
    );
    expect(tools.map((part) => part.state?.status)).toEqual(['completed', 'completed']);
    // The edit's result was formatted again: upper case throughout.
    expect(readFileSync(file, 'utf8')).toBe('BYE\n');
  });

  it("appends the language server's errors to a write or edit, for the model to fix", async () => {
    const sessionID = await t.createSession('lsp');
    const file = join(t.directory, 'module.fake');
    t.model.enqueue(
      {
        toolCalls: [{ name: 'write', arguments: { filePath: file, content: 'ERROR: no body\n' } }],
      },
      {
        toolCalls: [
          {
            name: 'edit',
            arguments: { filePath: file, oldString: 'ERROR: no body', newString: 'function body' },
          },
        ],
      },
      { text: 'fixed' },
    );
    await t.prompt(sessionID, 'write then fix');
    const messages = await t.messages(sessionID);
    const [write, edit] = messages
      .flatMap((message) => message.parts)
      .filter((part) => part.type === 'tool');
    expect(write.state.output).toBe(
      'Wrote file successfully (new file).\n\nLSP errors detected in this file, please fix:\n' +
        `<diagnostics file="${file}">\nERROR [1:1] no body\n</diagnostics>`,
    );
    // The model read the report in its next request, and the fixed file reports nothing.
    expect(JSON.stringify(turnRequests(t.model).at(-2)?.body)).toContain('ERROR [1:1] no body');
    expect(edit.state.output).toBe('Edit applied successfully.');
  });

  it('records what a turn changed: the session diff lists it and a revert undoes it', async () => {
    const sessionID = await t.createSession('diff');
    const file = join(t.directory, 'created.txt');
    t.model.enqueue(
      { toolCalls: [{ name: 'write', arguments: { filePath: file, content: 'one\ntwo\n' } }] },
      { text: 'written' },
    );
    await t.prompt(sessionID, 'create a file');
    const messages = await t.messages(sessionID);
    const parts = messages[1].parts.map((part) => part.type);
    expect(parts).toEqual(['step-start', 'tool', 'step-finish', 'patch']);
    const diff = await t.http.get(`/session/${sessionID}/diff`).expect(200);
    expect(diff.body).toEqual([
      expect.objectContaining({ file: 'created.txt', additions: 2, deletions: 0 }),
    ]);
    await t.http
      .post(`/session/${sessionID}/revert`)
      .send({ messageID: messages[0].info.id })
      .expect(200);
    expect(() => readFileSync(file, 'utf8')).toThrow();
    await t.http.post(`/session/${sessionID}/unrevert`).send({}).expect(200);
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\n');
  });

  it('takes no new snapshot after a step that only read', async () => {
    const sessionID = await t.createSession('read only');
    writeFileSync(join(t.directory, 'seen.txt'), 'seen\n');
    t.model.enqueue(
      { toolCalls: [{ name: 'read', arguments: { filePath: join(t.directory, 'seen.txt') } }] },
      { text: 'read it' },
    );
    const track = jest.spyOn(t.app.get(SnapshotService), 'track');
    await t.prompt(sessionID, 'read a file');
    // One snapshot for the turn's start; the step that read and the answer reuse it.
    expect(track).toHaveBeenCalledTimes(1);
    track.mockRestore();
    const [, reading] = await t.messages(sessionID);
    const start = reading.parts.find((part) => part.type === 'step-start');
    const finish = reading.parts.find((part) => part.type === 'step-finish');
    expect(reading.parts.map((part) => part.type)).toEqual(['step-start', 'tool', 'step-finish']);
    expect(start?.snapshot).toMatch(/^[0-9a-f]{40}$/);
    expect(finish?.snapshot).toBe(start?.snapshot);
  });
});
