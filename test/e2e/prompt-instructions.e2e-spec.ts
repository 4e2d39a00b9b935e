import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';
import type { RecordedRequest } from '../support/fake-model-server';
import { gitRepo, tempDir, writeFiles } from '../support/fixtures';

/** The system prompt of a model request (the OpenAI-compatible `system` message). */
function systemPrompt(request: RecordedRequest): string {
  return requestMessages(request)
    .filter((message) => message.role === 'system')
    .map((message) => String(message.content))
    .join('\n\n');
}

describe('agent loop: config instructions', () => {
  let t: AgentTestApp;
  let server: Server;
  let base: string;
  let repo: string;
  let home: string;
  let outside: string;
  const hits: Record<string, number> = {};

  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = request.url ?? '';
      hits[path] = (hits[path] ?? 0) + 1;
      if (path === '/rules.md') {
        response.writeHead(200, { 'content-type': 'text/markdown' });
        response.end('URL RULE: answer in haiku');
      } else {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end('boom');
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    home = tempDir('opencode-home-');
    writeFiles(home, { 'team/style.md': 'HOME RULE: tabs' });
    outside = tempDir();
    writeFiles(outside, { 'b.md': 'ABSOLUTE RULE B', 'a.md': 'ABSOLUTE RULE A', 'c.txt': 'no' });
    repo = gitRepo({
      'AGENTS.md': 'ROOT AGENTS',
      'docs/rules/two.md': 'RELATIVE RULE TWO',
      'docs/rules/one.md': 'RELATIVE RULE ONE',
      'packages/app/src/index.ts': '',
    });
    t = await startAgentTestApp({
      home,
      // The instance sits below the project root: relative entries are looked up to the root.
      directory: join(repo, 'packages', 'app'),
      captureLogs: true,
      config: {
        instructions: [
          '~/team/*.md',
          `${outside}/*.md`,
          'docs/rules/*.md',
          'AGENTS.md',
          'missing/*.md',
          `${base}/rules.md`,
          `${base}/down.md?token=secret-value`,
        ],
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  it('puts globbed files and fetched URLs into the system prompt, labelled, in order', async () => {
    const sessionID = await t.createSession();
    const reply = await t.prompt(sessionID, 'hello');
    // The failing URL does not fail the turn.
    expect(reply.info.finish).toBe('stop');
    expect(reply.info.error).toBeUndefined();

    const system = systemPrompt(turnRequests(t.model)[0]);
    const expected = [
      `Instructions from: ${join(repo, 'AGENTS.md')}\nROOT AGENTS`,
      `Instructions from: ${join(home, 'team', 'style.md')}\nHOME RULE: tabs`,
      `Instructions from: ${join(outside, 'a.md')}\nABSOLUTE RULE A`,
      `Instructions from: ${join(outside, 'b.md')}\nABSOLUTE RULE B`,
      `Instructions from: ${join(repo, 'docs', 'rules', 'one.md')}\nRELATIVE RULE ONE`,
      `Instructions from: ${join(repo, 'docs', 'rules', 'two.md')}\nRELATIVE RULE TWO`,
      `Instructions from: ${base}/rules.md\nURL RULE: answer in haiku`,
    ];
    const positions = expected.map((block) => system.indexOf(block));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // AGENTS.md is there once, though the config names it again.
    expect(system.split('ROOT AGENTS')).toHaveLength(2);
    expect(system).not.toContain('down.md');
    expect(system).not.toContain('c.txt');

    const logs = t.logs();
    expect(logs).toContain(`Instructions from ${base}/down.md left out: the server answered 500`);
    expect(logs).not.toContain('secret-value');
  });

  it('fetches each URL once for a while, not on every turn', async () => {
    const sessionID = await t.createSession();
    await t.prompt(sessionID, 'again');
    const requests = turnRequests(t.model);
    expect(systemPrompt(requests[requests.length - 1])).toContain('URL RULE: answer in haiku');
    expect(hits['/rules.md']).toBe(1);
    expect(hits['/down.md?token=secret-value']).toBe(1);
  });
});
