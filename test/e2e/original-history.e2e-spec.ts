import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startFakeModelServer,
  type FakeModelServer,
  type RecordedRequest,
} from '../support/fake-model-server';
import { gitRepo, tempDir } from '../support/fixtures';
import { startOriginalServer, type OriginalServer } from '../support/original-server';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * A person who used the original opencode starts this server on the same data directory: the
 * original's sessions are there, continue here, and the original keeps its own file unchanged.
 * Both servers are real: the original is `opencode serve` of the pinned `opencode-ai`.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;
// What `fetch` parsed comes from another realm than jest's objects: compare with `toEqual`,
// which ignores prototypes (supertest's `.expect(status, body)` does not).

jest.setTimeout(120_000);

/** Title requests of either server (the original's prompt differs from ours). */
function isTitleRequest(request: RecordedRequest): boolean {
  const messages = (request.body.messages ?? []) as Array<{ role: string; content: unknown }>;
  const system = messages
    .filter((message) => message.role === 'system')
    .map((message) => JSON.stringify(message.content))
    .join(' ');
  return /title generator|Write a title/i.test(system);
}

describe('the original opencode’s history', () => {
  let model: FakeModelServer;
  let home: string;
  let project: string;
  let config: Record<string, unknown>;
  /** What the original answered before it stopped. */
  const original: {
    sessions: Json[];
    messages: Record<string, Json[]>;
    todos: Json[];
    projects: Json[];
  } = { sessions: [], messages: {}, todos: [], projects: [] };
  let planned: string;
  let greeted: string;
  let app: TestApp | undefined;

  const dataDir = () => join(home, '.local/share/opencode');
  const originalFile = () => join(dataDir(), 'opencode.db');
  const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  /** A request to the original, in `project`. */
  async function ask(server: OriginalServer, method: string, path: string, body?: unknown) {
    const separator = path.includes('?') ? '&' : '?';
    const response = await fetch(
      `${server.url}${path}${separator}directory=${encodeURIComponent(project)}`,
      {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
    );
    expect(response.status).toBe(200);
    return (await response.json()) as Json;
  }

  const startOurs = () =>
    startTestApp({
      home,
      directory: project,
      env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(config) },
      captureLogs: true,
    });

  beforeAll(async () => {
    model = await startFakeModelServer();
    model.onRequest((request) =>
      isTitleRequest(request) ? { text: 'Generated title', finish: 'stop' } : undefined,
    );
    home = tempDir('opencode-shared-home-');
    project = gitRepo({ 'README.md': '# shared\n' });
    config = {
      provider: {
        fake: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Fake',
          options: { baseURL: model.url, apiKey: 'test-key' },
          models: { 'fake-model': { name: 'Fake Model' } },
        },
      },
      model: 'fake/fake-model',
    };

    const server = await startOriginalServer({ home, cwd: project, config });
    try {
      // A turn with a tool (the todo list) and one with text only.
      planned = (await ask(server, 'POST', '/session', {})).id;
      model.enqueue(
        {
          toolCalls: [
            {
              name: 'todowrite',
              arguments: {
                todos: [
                  { content: 'read the code', status: 'completed', priority: 'high' },
                  { content: 'write the tests', status: 'pending', priority: 'medium' },
                ],
              },
            },
          ],
          finish: 'tool_calls',
        },
        { text: 'planned', finish: 'stop' },
      );
      await ask(server, 'POST', `/session/${planned}/message`, {
        parts: [{ type: 'text', text: 'make a plan' }],
      });
      greeted = (await ask(server, 'POST', '/session', { title: 'greetings' })).id;
      await ask(server, 'POST', `/session/${greeted}/message`, {
        parts: [{ type: 'text', text: 'hello' }],
      });

      original.sessions = await ask(server, 'GET', '/session');
      for (const id of [planned, greeted]) {
        original.messages[id] = await ask(server, 'GET', `/session/${id}/message`);
      }
      original.todos = await ask(server, 'GET', `/session/${planned}/todo`);
      original.projects = await ask(server, 'GET', '/project');
    } finally {
      await server.stop();
    }
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  afterAll(async () => {
    await model.close();
  });

  it('recorded a tool turn and a text turn with the original (the scenario is sound)', () => {
    expect(original.sessions.map((s: Json) => s.id).sort()).toEqual([planned, greeted].sort());
    const parts = original.messages[planned].flatMap((m: Json) => m.parts);
    expect(parts.some((p: Json) => p.type === 'tool' && p.tool === 'todowrite')).toBe(true);
    expect(original.todos).toHaveLength(2);
  });

  it('starts on the original’s data directory and lists its sessions as the original did', async () => {
    const before = digest(originalFile());
    app = await startOurs();
    const listed = (await app.http.get('/session').query({ directory: project }).expect(200))
      .body as Json[];
    for (const session of original.sessions) {
      expect(listed.find((s) => s.id === session.id)).toEqual(session);
      const got = await app.http.get(`/session/${session.id}`).query({ directory: project });
      expect(got.status).toBe(200);
      expect(got.body).toEqual(session);
    }
    expect(app.logs()).toMatch(/copied from the original opencode's .*2 sessions/);
    // Read without writing: the original's file is byte for byte what it left.
    expect(digest(originalFile())).toBe(before);
  });

  it('answers GET /session/:id/message, todos and projects as the original did', async () => {
    app = await startOurs();
    for (const id of [planned, greeted]) {
      const response = await app.http
        .get(`/session/${id}/message`)
        .query({ directory: project })
        .expect(200);
      expect(response.body).toEqual(original.messages[id]);
    }
    const todos = await app.http.get(`/session/${planned}/todo`).query({ directory: project });
    expect(todos.body).toEqual(original.todos);
    const projects = (await app.http.get('/project').query({ directory: project }).expect(200))
      .body as Json[];
    const theirs = original.projects.find((p: Json) => p.worktree === project);
    expect(projects.find((p) => p.id === theirs.id)).toMatchObject({
      id: theirs.id,
      worktree: theirs.worktree,
      vcs: 'git',
    });
  });

  it('continues a session of the original here; a restart copies nothing twice; a session deleted here stays deleted', async () => {
    const before = digest(originalFile());
    app = await startOurs();
    model.enqueue({ text: 'continued here', finish: 'stop' });
    const reply = (
      await app.http
        .post(`/session/${greeted}/message`)
        .query({ directory: project })
        .send({ parts: [{ type: 'text', text: 'and now?' }] })
        .expect(200)
    ).body;
    expect(reply.parts.find((p: Json) => p.type === 'text').text).toBe('continued here');
    // The model saw the original's turn as the conversation so far.
    const sent = model.requests.at(-1)!.body.messages as Array<{ role: string; content: unknown }>;
    expect(JSON.stringify(sent)).toContain('hello');
    await app.http.delete(`/session/${planned}`).query({ directory: project }).expect(200);
    await app.close();

    app = await startOurs();
    const messages = (
      await app.http.get(`/session/${greeted}/message`).query({ directory: project }).expect(200)
    ).body as Json[];
    expect(messages.slice(0, 2)).toEqual(original.messages[greeted]);
    expect(messages.map((m) => m.info.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    await app.http.get(`/session/${planned}`).query({ directory: project }).expect(404);
    expect(app.logs()).not.toMatch(/copied from the original/);
    expect(digest(originalFile())).toBe(before);
  });

  it('copies what the original writes while both run; the original still lists its own sessions, unchanged', async () => {
    app = await startOurs();
    const server = await startOriginalServer({ home, cwd: project, config });
    try {
      const listed = (await ask(server, 'GET', '/session')) as Json[];
      expect(listed.map((s) => s.id).sort()).toEqual([planned, greeted].sort());
      // Its messages are what it wrote: the turn added here is not in its file.
      expect(await ask(server, 'GET', `/session/${greeted}/message`)).toEqual(
        original.messages[greeted],
      );

      const fresh = (await ask(server, 'POST', '/session', { title: 'written meanwhile' }));
      const deadline = Date.now() + 15_000;
      let seen = 404;
      while (seen !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        seen = (await app.http.get(`/session/${fresh.id}`).query({ directory: project })).status;
      }
      expect(seen).toBe(200);
      await app.http
        .get(`/session/${fresh.id}`)
        .query({ directory: project })
        .expect(200)
        .expect((response) => expect(response.body.title).toBe('written meanwhile'));
    } finally {
      await server.stop();
    }
  });
});
