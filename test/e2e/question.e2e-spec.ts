import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';

/** The `question` tool and the routes that answer it: GET /question, POST /question/:id/... */
describe('questions: the question tool, GET /question, POST /question/:requestID/reply|reject', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp();
  });
  afterAll(() => t.close());

  const questions = [
    {
      question: 'Which color do you like?',
      header: 'Color',
      options: [
        { label: 'Red', description: 'warm' },
        { label: 'Blue', description: 'cool' },
      ],
    },
    {
      question: 'Pick sizes',
      header: 'Size',
      options: [
        { label: 'S', description: 'small' },
        { label: 'L', description: 'large' },
      ],
      multiple: true,
    },
  ];
  const ask = { toolCalls: [{ name: 'question', arguments: { questions } }] };

  async function pending() {
    const response = await t.http.get('/question').expect(200);
    return response.body as Array<{ id: string; sessionID: string }>;
  }

  it('asks, lists the request until it is answered, and the model reads the answers', async () => {
    const sessionID = await t.createSession('question reply');
    t.model.enqueue(ask, { text: 'red it is' });
    const answer = t.prompt(sessionID, 'ask me');
    const asked = await t.waitForEvent('question.asked', sessionID);
    const messages = await t.messages(sessionID);
    const tool = messages[1].parts.find((part) => part.type === 'tool')!;
    expect(asked.properties).toEqual({
      id: expect.stringMatching(/^que_/),
      sessionID,
      questions,
      tool: { messageID: messages[1].info.id, callID: tool.callID },
    });
    expect(await pending()).toEqual([asked.properties]);

    const replied = await t.http
      .post(`/question/${asked.properties.id as string}/reply`)
      .send({ answers: [['Red'], ['S', 'L']] })
      .expect(200);
    expect(replied.body).toBe(true);
    const event = await t.waitForEvent('question.replied', sessionID);
    expect(event.properties).toEqual({
      sessionID,
      requestID: asked.properties.id,
      answers: [['Red'], ['S', 'L']],
    });
    const result = await answer;
    expect(result.parts.find((part) => part.type === 'text')?.text).toBe('red it is');
    const done = (await t.messages(sessionID))[1].parts.find((part) => part.type === 'tool')!;
    expect(done.state).toMatchObject({
      status: 'completed',
      title: 'Asked 2 questions',
      metadata: { answers: [['Red'], ['S', 'L']] },
    });
    const toolResult = requestMessages(turnRequests(t.model).at(-1)!).find(
      (message) => message.role === 'tool',
    );
    expect(String(toolResult?.content)).toContain('Which color do you like? → Red');
    expect(String(toolResult?.content)).toContain('Pick sizes → S, L');
    expect(await pending()).toEqual([]);
  });

  it('a rejection fails the tool and ends the turn; the model sees it with the next prompt', async () => {
    const sessionID = await t.createSession('question reject');
    t.model.enqueue(ask);
    const before = turnRequests(t.model).length;
    const answer = t.prompt(sessionID, 'ask me');
    const asked = await t.waitForEvent('question.asked', sessionID);
    await t.http.post(`/question/${asked.properties.id as string}/reject`).expect(200);
    const event = await t.waitForEvent('question.rejected', sessionID);
    expect(event.properties).toEqual({ sessionID, requestID: asked.properties.id });
    const result = await answer;
    expect(result.info.finish).toBe('tool-calls');
    expect(turnRequests(t.model).length).toBe(before + 1);
    const tool = (await t.messages(sessionID))[1].parts.find((part) => part.type === 'tool')!;
    expect(tool.state.status).toBe('error');
    expect(tool.state.error).toMatch(/dismissed/);

    t.model.enqueue({ text: 'fine' });
    await t.prompt(sessionID, 'never mind');
    const toolResult = requestMessages(turnRequests(t.model).at(-1)!).find(
      (message) => message.role === 'tool',
    );
    expect(String(toolResult?.content)).toMatch(/dismissed/);
  });

  it('an abort withdraws the questions', async () => {
    const sessionID = await t.createSession('question abort');
    t.model.enqueue(ask);
    await t.promptAsync(sessionID, 'ask me');
    const asked = await t.waitForEvent('question.asked', sessionID);
    expect((await pending()).map((request) => request.id)).toEqual([asked.properties.id]);
    await t.http.post(`/session/${sessionID}/abort`).expect(200);
    await t.waitForIdle(sessionID);
    expect(await pending()).toEqual([]);
    await t.http
      .post(`/question/${asked.properties.id as string}/reply`)
      .send({ answers: [] })
      .expect(404);
  });

  it('answers unknown requests with the reference 404 and bad input with a 400', async () => {
    const unknown = await t.http.post('/question/que_unknown/reject').expect(404);
    expect(unknown.body).toEqual({
      _tag: 'QuestionNotFoundError',
      requestID: 'que_unknown',
      message: 'Question request not found: que_unknown',
    });
    await t.http
      .post('/question/que_unknown/reply')
      .send({ answers: [['x']] })
      .expect(404);
    for (const body of [{}, { answers: 'x' }, { answers: ['x'] }, { answers: [[1]] }, null]) {
      const bad = await t.http
        .post('/question/que_unknown/reply')
        .set('content-type', 'application/json')
        .send(JSON.stringify(body))
        .expect(400);
      expect(bad.body.name).toBe('BadRequest');
    }
    const badID = await t.http.post('/question/per_x/reject').expect(400);
    expect(badID.body.data.field).toBe('requestID');
  });

  it('offers the tool to build but not to an agent or a session that denies it', async () => {
    const toolNames = () =>
      (turnRequests(t.model).at(-1)!.body.tools as Array<{ function: { name: string } }>).map(
        (tool) => tool.function.name,
      );
    const sessionID = await t.createSession('offered');
    await t.prompt(sessionID, 'hello');
    expect(toolNames()).toContain('question');

    await t.prompt(sessionID, { parts: [{ type: 'text', text: 'hi' }], agent: 'general' });
    expect(toolNames()).not.toContain('question');

    // As `opencode run` creates its sessions: nobody is there to answer questions.
    const created = await t.http
      .post('/session')
      .send({ permission: [{ permission: 'question', action: 'deny', pattern: '*' }] })
      .expect(200);
    await t.prompt(created.body.id as string, 'hello');
    expect(toolNames()).not.toContain('question');
  });
});
