import { startAgentTestApp, type AgentTestApp, type BusEvent } from '../support/agent-app';
import { tempDir } from '../support/fixtures';

const CONFIG = { permission: { bash: 'ask', webfetch: 'deny' } };

/**
 * `/api` permissions and questions: the same pending requests as the classic routes, in the v2
 * shape; replies once / always / reject; permission.create; saved permissions (kept across a
 * restart); the 404s and 400s.
 */
describe('/api permissions and questions', () => {
  let t: AgentTestApp;
  const home = tempDir('opencode-home-');

  beforeAll(async () => {
    t = await startAgentTestApp({ home, config: CONFIG });
  });
  afterAll(() => t.close());

  const bashCall = (command: string) => ({
    toolCalls: [{ name: 'bash', arguments: { command, description: 'run it' } }],
  });

  /** Starts a classic turn whose bash call asks; resolves with the classic request event. */
  async function askBash(sessionID: string, command: string, then = 'done') {
    t.model.enqueue(bashCall(command), { text: then });
    const turn = t.prompt(sessionID, 'run');
    const from = t.sessionEvents(sessionID).length;
    const asked = await t.waitForEvent('permission.asked', sessionID, { from });
    return { turn, asked };
  }

  it('lists a tool request in the v2 shape, per session and per location, and "once" lets the call run', async () => {
    const sessionID = await t.createSession('v2 once');
    const { turn, asked } = await askBash(sessionID, 'echo once');
    const request = asked.properties;
    const v2 = {
      id: request.id,
      sessionID,
      action: 'bash',
      resources: ['echo once'],
      save: ['echo *'],
      metadata: { command: 'echo once', description: 'run it' },
      source: { type: 'tool', messageID: request.tool.messageID, callID: request.tool.callID },
    };
    expect(request.id).toMatch(/^per_/);
    const bySession = await t.http.get(`/api/session/${sessionID}/permission`).expect(200);
    expect(bySession.body).toEqual({ data: [v2] });
    const one = await t.http.get(`/api/session/${sessionID}/permission/${request.id}`).expect(200);
    expect(one.body).toEqual({ data: v2 });
    const byLocation = await t.http
      .get('/api/permission/request')
      .query({ 'location[directory]': t.directory })
      .expect(200);
    expect(byLocation.body.location.directory).toBe(t.directory);
    expect(byLocation.body.data).toEqual([v2]);

    await t.http
      .post(`/api/session/${sessionID}/permission/${request.id}/reply`)
      .send({ reply: 'once' })
      .expect(204);
    const result = await turn;
    expect(result.parts.find((part) => part.type === 'text')?.text).toBe('done');
    const tool = (await t.messages(sessionID))[1].parts.find((part) => part.type === 'tool')!;
    expect(tool.state.status).toBe('completed');
    // Gone from every list; the classic route no longer knows it either.
    expect((await t.http.get(`/api/session/${sessionID}/permission`).expect(200)).body).toEqual({
      data: [],
    });
    await t.http.post(`/permission/${request.id}/reply`).send({ reply: 'once' }).expect(404);
  });

  it('"reject" fails the waiting tool; with a message the turn goes on with those words', async () => {
    const sessionID = await t.createSession('v2 reject');
    const { turn, asked } = await askBash(sessionID, 'touch nope.txt', 'understood');
    await t.http
      .post(`/api/session/${sessionID}/permission/${asked.properties.id}/reply`)
      .send({ reply: 'reject', message: 'do not touch files' })
      .expect(204);
    const result = await turn;
    expect(result.parts.find((part) => part.type === 'text')?.text).toBe('understood');
    const tool = (await t.messages(sessionID))[1].parts.find((part) => part.type === 'tool')!;
    expect(tool.state.status).toBe('error');
    expect(tool.state.error).toContain('do not touch files');
  });

  it('"always" saves the patterns for the project, later asks are allowed, and removing the saved one asks again', async () => {
    const sessionID = await t.createSession('v2 always');
    const { turn, asked } = await askBash(sessionID, 'ls -la');
    await t.http
      .post(`/api/session/${sessionID}/permission/${asked.properties.id}/reply`)
      .send({ reply: 'always' })
      .expect(204);
    await turn;

    const saved = await t.http.get('/api/permission/saved').expect(200);
    const projectID = (await t.http.get('/project/current').expect(200)).body.id as string;
    expect(saved.body).toEqual({
      data: [{ id: expect.stringMatching(/^psv_/), projectID, action: 'bash', resource: 'ls *' }],
    });
    // Filtered by project: another project has none.
    expect(
      (await t.http.get('/api/permission/saved').query({ projectID: 'other' }).expect(200)).body,
    ).toEqual({ data: [] });

    // Another session of the project: allowed without asking, by a tool and by permission.create.
    const other = await t.createSession('v2 always elsewhere');
    t.model.enqueue(bashCall('ls src'), { text: 'listed' });
    await t.prompt(other, 'list');
    expect(t.sessionEvents(other).filter((e) => e.type === 'permission.asked')).toEqual([]);
    const created = await t.http
      .post(`/api/session/${other}/permission`)
      .send({ action: 'bash', resources: ['ls anything'] })
      .expect(200);
    expect(created.body).toEqual({ data: { id: expect.stringMatching(/^per_/), effect: 'allow' } });

    await t.http.delete(`/api/permission/saved/${saved.body.data[0].id}`).expect(204);
    // Unknown ids too.
    await t.http.delete('/api/permission/saved/psv_unknown').expect(204);
    expect((await t.http.get('/api/permission/saved').expect(200)).body).toEqual({ data: [] });
    const asksAgain = await t.http
      .post(`/api/session/${other}/permission`)
      .send({ action: 'bash', resources: ['ls anything'] })
      .expect(200);
    expect(asksAgain.body.data.effect).toBe('ask');
    await t.http
      .post(`/api/session/${other}/permission/${asksAgain.body.data.id}/reply`)
      .send({ reply: 'once' })
      .expect(204);
  });

  it('permission.create: allow and deny create nothing, ask leaves a request that a reply settles', async () => {
    const sessionID = await t.createSession('v2 create');
    const read = await t.http
      .post(`/api/session/${sessionID}/permission`)
      .send({ action: 'read', resources: ['README.md'] })
      .expect(200);
    expect(read.body).toEqual({ data: { id: expect.stringMatching(/^per_/), effect: 'allow' } });
    const fetch = await t.http
      .post(`/api/session/${sessionID}/permission`)
      .send({ action: 'webfetch', resources: ['https://example.com'] })
      .expect(200);
    expect(fetch.body.data.effect).toBe('deny');
    expect((await t.http.get(`/api/session/${sessionID}/permission`)).body).toEqual({ data: [] });

    const from = t.sessionEvents(sessionID).length;
    const ask = await t.http
      .post(`/api/session/${sessionID}/permission`)
      .send({
        id: 'per_clientChosen01',
        action: 'bash',
        resources: ['rm -rf build'],
        save: ['rm *'],
        metadata: { why: 'cleanup' },
        source: { type: 'tool', messageID: 'msg_x', callID: 'call_x' },
      })
      .expect(200);
    expect(ask.body).toEqual({ data: { id: 'per_clientChosen01', effect: 'ask' } });
    const asked = await t.waitForEvent('permission.asked', sessionID, { from });
    expect(asked.properties).toEqual({
      id: 'per_clientChosen01',
      sessionID,
      permission: 'bash',
      patterns: ['rm -rf build'],
      metadata: { why: 'cleanup' },
      always: ['rm *'],
      tool: { messageID: 'msg_x', callID: 'call_x' },
    });
    const listed = await t.http.get(`/api/session/${sessionID}/permission`).expect(200);
    expect(listed.body.data).toEqual([
      {
        id: 'per_clientChosen01',
        sessionID,
        action: 'bash',
        resources: ['rm -rf build'],
        save: ['rm *'],
        metadata: { why: 'cleanup' },
        source: { type: 'tool', messageID: 'msg_x', callID: 'call_x' },
      },
    ]);
    // The same id while it is pending: a conflict, not a second request.
    await t.http
      .post(`/api/session/${sessionID}/permission`)
      .send({ id: 'per_clientChosen01', action: 'bash', resources: ['x'] })
      .expect(409);
    // The classic route answers it too: the same request.
    await t.http.post('/permission/per_clientChosen01/reply').send({ reply: 'always' }).expect(200);
    const replied = await t.waitForEvent('permission.replied', sessionID);
    expect(replied.properties).toEqual({
      sessionID,
      requestID: 'per_clientChosen01',
      reply: 'always',
    });
    const again = await t.http
      .post(`/api/session/${sessionID}/permission`)
      .send({ action: 'bash', resources: ['rm -rf build'] })
      .expect(200);
    expect(again.body.data.effect).toBe('allow');
  });

  it('questions: listed in the v2 shape, answered and rejected through the session routes', async () => {
    const questions = [
      {
        question: 'Which color?',
        header: 'Color',
        options: [
          { label: 'Red', description: 'warm' },
          { label: 'Blue', description: 'cool' },
        ],
      },
    ];
    const sessionID = await t.createSession('v2 questions');
    t.model.enqueue(
      { toolCalls: [{ name: 'question', arguments: { questions } }] },
      { text: 'red' },
    );
    const turn = t.prompt(sessionID, 'ask me');
    const asked = await t.waitForEvent('question.asked', sessionID);
    const request = asked.properties;
    const v2 = { id: request.id, sessionID, questions, tool: request.tool };
    expect(request.id).toMatch(/^que_/);
    expect((await t.http.get(`/api/session/${sessionID}/question`).expect(200)).body).toEqual({
      data: [v2],
    });
    const byLocation = await t.http.get('/api/question/request').expect(200);
    expect(byLocation.body.data).toEqual([v2]);
    expect(byLocation.body.location.project.id).toEqual(expect.any(String));

    // Another session's question is unknown to this session.
    const stranger = await t.createSession('v2 stranger');
    const foreign = await t.http
      .post(`/api/session/${stranger}/question/${request.id}/reply`)
      .send({ answers: [['Red']] })
      .expect(404);
    expect(foreign.body).toEqual({
      _tag: 'QuestionNotFoundError',
      requestID: request.id,
      message: `Question request not found: ${request.id}`,
    });
    await t.http
      .post(`/api/session/${sessionID}/question/${request.id}/reply`)
      .send({ answers: 'Red' })
      .expect(400);
    await t.http
      .post(`/api/session/${sessionID}/question/${request.id}/reply`)
      .send({ answers: [['Red']] })
      .expect(204);
    await turn;
    const tool = (await t.messages(sessionID))[1].parts.find((part) => part.type === 'tool')!;
    expect(tool.state.status).toBe('completed');
    expect((await t.http.get('/api/question/request').expect(200)).body.data).toEqual([]);

    t.model.enqueue({ toolCalls: [{ name: 'question', arguments: { questions } }] });
    const second = t.prompt(sessionID, 'ask again');
    const from = t.sessionEvents(sessionID).findIndex((e: BusEvent) => e === asked) + 1;
    const again = await t.waitForEvent('question.asked', sessionID, { from });
    await t.http
      .post(`/api/session/${sessionID}/question/${again.properties.id}/reject`)
      .expect(204);
    await second;
    const rejected = await t.waitForEvent('question.rejected', sessionID);
    expect(rejected.properties).toEqual({ sessionID, requestID: again.properties.id });
    await t.http
      .post(`/api/session/${sessionID}/question/${again.properties.id}/reject`)
      .expect(404);
  });

  it('answers 404 for unknown sessions and requests, and 400 for malformed ids and bodies', async () => {
    const sessionID = await t.createSession('v2 errors');
    const missing = await t.http.get('/api/session/ses_unknown1/permission').expect(404);
    expect(missing.body).toEqual({
      _tag: 'SessionNotFoundError',
      sessionID: 'ses_unknown1',
      message: 'Session not found: ses_unknown1',
    });
    for (const [method, path] of [
      ['post', '/api/session/ses_unknown1/permission/per_x/reply'],
      ['get', '/api/session/ses_unknown1/permission/per_x'],
      ['get', '/api/session/ses_unknown1/question'],
      ['post', '/api/session/ses_unknown1/question/que_x/reject'],
    ] as const) {
      const response = await t.http[method](path).send({ reply: 'once' }).expect(404);
      expect(response.body._tag).toBe('SessionNotFoundError');
    }
    await t.http
      .post('/api/session/ses_unknown1/permission')
      .send({ action: 'read', resources: ['a'] })
      .expect(404);

    const unknown = await t.http.get(`/api/session/${sessionID}/permission/per_nope`).expect(404);
    expect(unknown.body).toEqual({
      _tag: 'PermissionNotFoundError',
      requestID: 'per_nope',
      message: 'Permission request not found: per_nope',
    });
    await t.http
      .post(`/api/session/${sessionID}/permission/per_nope/reply`)
      .send({ reply: 'once' })
      .expect(404);

    const badSession = await t.http.get('/api/session/nope/permission').expect(400);
    expect(badSession.body).toMatchObject({ _tag: 'InvalidRequestError', field: 'sessionID' });
    const badRequest = await t.http.get(`/api/session/${sessionID}/permission/nope`).expect(400);
    expect(badRequest.body).toMatchObject({ _tag: 'InvalidRequestError', field: 'requestID' });
    const badQuestion = await t.http
      .post(`/api/session/${sessionID}/question/per_x/reject`)
      .expect(400);
    expect(badQuestion.body).toMatchObject({ _tag: 'InvalidRequestError', field: 'requestID' });

    const create = (body: unknown) =>
      t.http.post(`/api/session/${sessionID}/permission`).send(body as object);
    for (const [body, field] of [
      [{ resources: ['a'] }, 'action'],
      [{ action: 'bash' }, 'resources'],
      [{ action: 'bash', resources: 'a' }, 'resources'],
      [{ action: 'bash', resources: ['a'], id: 'abc' }, 'id'],
      [{ action: 'bash', resources: ['a'], save: [1] }, 'save'],
      [{ action: 'bash', resources: ['a'], agent: 'no-such-agent' }, 'agent'],
      [{ action: 'bash', resources: ['a'], source: { type: 'other' } }, 'source'],
    ] as const) {
      const response = await create(body).expect(400);
      expect(response.body._tag).toBe('InvalidRequestError');
      expect(String(response.body.field ?? response.body.message)).toContain(field);
    }
    const reply = (body: unknown) =>
      t.http.post(`/api/session/${sessionID}/permission/per_x/reply`).send(body as object);
    await reply({}).expect(400);
    await reply({ reply: 'sometimes' }).expect(400);
  });

  it('keeps saved permissions across a restart', async () => {
    const sessionID = await t.createSession('v2 restart');
    const ask = await t.http
      .post(`/api/session/${sessionID}/permission`)
      .send({ action: 'bash', resources: ['make build'], save: ['make *'] })
      .expect(200);
    await t.http
      .post(`/api/session/${sessionID}/permission/${ask.body.data.id}/reply`)
      .send({ reply: 'always' })
      .expect(204);
    const before = (await t.http.get('/api/permission/saved').expect(200)).body.data;
    expect(before).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'bash', resource: 'make *' })]),
    );
    const directory = t.directory;
    await t.close();

    t = await startAgentTestApp({ home, directory, config: CONFIG });
    expect((await t.http.get('/api/permission/saved').expect(200)).body.data).toEqual(before);
    const allowed = await t.http
      .post(`/api/session/${sessionID}/permission`)
      .send({ action: 'bash', resources: ['make test'] })
      .expect(200);
    expect(allowed.body.data.effect).toBe('allow');
  });
});
