import {
  eventLabel,
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';

/** Prompts that arrive while a session works wait for their turn; sessions run side by side. */
describe('agent loop: queued prompts', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp();
  });
  afterAll(() => t.close());

  it('answers prompts sent while busy after the running turn, in order, one loop at a time', async () => {
    const sessionID = await t.createSession('queue');
    const before = turnRequests(t.model).length;
    t.model.enqueue(
      { text: ['first ', 'answer'], delayMs: 40 },
      { text: 'second answer' },
      { text: 'third answer' },
    );
    const first = t.prompt(sessionID, 'first question');
    await t.waitForEvent('message.part.delta', sessionID);
    const second = t.prompt(sessionID, 'second question');
    // The second prompt is queued before the third is sent: "in order" is the server's order.
    await t.waitForEvent('message.updated', sessionID, {
      match: () =>
        t
          .sessionEvents(sessionID)
          .filter((e) => e.type === 'message.updated' && e.properties.info.role === 'user')
          .length === 2,
    });
    await t.promptAsync(sessionID, 'third question');
    const [a, b] = await Promise.all([first, second]);
    await t.waitForIdle(sessionID);

    expect(a.parts.find((part) => part.type === 'text')?.text).toBe('first answer');
    expect(b.parts.find((part) => part.type === 'text')?.text).toBe('second answer');
    const stored = await t.messages(sessionID);
    const users = stored.filter((message) => message.info.role === 'user');
    expect(users.map((message) => message.parts[0].text)).toEqual([
      'first question',
      'second question',
      'third question',
    ]);
    // Each answer belongs to its own prompt.
    expect(a.info.parentID).toBe(users[0].info.id);
    expect(b.info.parentID).toBe(users[1].info.id);
    const third = stored.find(
      (message) => message.info.role === 'assistant' && message.info.parentID === users[2].info.id,
    )!;
    expect(third.parts.find((part) => part.type === 'text')?.text).toBe('third answer');

    // The model was called once per prompt, each call after the previous answer was complete:
    // its history holds the earlier prompts with their answers, and not the later prompts.
    const requests = turnRequests(t.model).slice(before);
    expect(requests).toHaveLength(3);
    const conversation = requests.map((request) =>
      requestMessages(request)
        .filter((message) => message.role !== 'system')
        .map((message) => `${message.role}:${JSON.stringify(message.content)}`),
    );
    expect(conversation).toEqual([
      ['user:"first question"'],
      ['user:"first question"', 'assistant:"first answer"', 'user:"second question"'],
      [
        'user:"first question"',
        'assistant:"first answer"',
        'user:"second question"',
        'assistant:"second answer"',
        'user:"third question"',
      ],
    ]);
    expect(requests.every((request) => !request.aborted)).toBe(true);

    // Busy once at the start, idle once at the end.
    const statuses = t
      .sessionEvents(sessionID)
      .map(eventLabel)
      .filter((label) => label.startsWith('session.status') || label === 'session.idle');
    expect(statuses).toEqual(['session.status:busy', 'session.status:idle', 'session.idle']);
  });

  it('never runs two turns of one session at once, whatever the number of callers', async () => {
    const sessionID = await t.createSession('serial');
    const before = turnRequests(t.model).length;
    for (let index = 0; index < 4; index++)
      t.model.enqueue({ text: [`reply `, `${index}`], delayMs: 10 });
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, index) => t.prompt(sessionID, `question ${index}`)),
    );
    // Each caller gets the answer to its own prompt. (Which reply each gets depends on the order
    // the four requests reached the server; every reply goes to exactly one of them.)
    const stored = await t.messages(sessionID);
    answers.forEach((answer, index) => {
      const prompt = stored.find((message) => message.info.id === answer.info.parentID)!;
      expect(prompt.parts[0].text).toBe(`question ${index}`);
    });
    const replies = answers.map(
      (answer) => answer.parts.find((part) => part.type === 'text')?.text,
    );
    expect([...replies].sort()).toEqual(['reply 0', 'reply 1', 'reply 2', 'reply 3']);
    // Every model call saw every earlier prompt answered: had two turns overlapped, the later
    // one would have been sent without the earlier one's answer.
    const requests = turnRequests(t.model).slice(before);
    expect(requests).toHaveLength(4);
    requests.forEach((request, index) => {
      const roles = requestMessages(request)
        .filter((message) => message.role !== 'system')
        .map((message) => message.role);
      expect(roles).toEqual([...Array(index).fill(['user', 'assistant']).flat(), 'user']);
    });
  });

  it('runs different sessions side by side', async () => {
    const [one, two] = [await t.createSession('left'), await t.createSession('right')];
    const before = t.model.requests.length;
    t.model.enqueue({ text: 'a', hang: true }, { text: 'b', hang: true });
    const answers = Promise.all([t.prompt(one, 'x'), t.prompt(two, 'y')]);
    // Both model calls are open at the same time.
    await t.model.waitForRequests(before + 2);
    await Promise.all([one, two].map((id) => t.waitForEvent('message.part.delta', id)));
    await Promise.all([one, two].map((id) => t.http.post(`/session/${id}/abort`).expect(200)));
    const results = await answers;
    expect(results.map((answer) => answer.info.error?.name)).toEqual([
      'MessageAbortedError',
      'MessageAbortedError',
    ]);
  });

  it('leaves no listener behind per turn or per session (no MaxListenersExceededWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const sessionID = await t.createSession('many turns');
      for (let index = 0; index < 15; index++) await t.prompt(sessionID, `turn ${index}`);
      await t.http.post(`/session/${sessionID}/shell`).send({ agent: 'build', command: 'true' });
      // Many sessions of one project at once share the instance's abort signal.
      const many = await Promise.all(Array.from({ length: 12 }, () => t.createSession('many')));
      for (let index = 0; index < 12; index++) t.model.enqueue({ text: ['x', 'y'], delayMs: 5 });
      await Promise.all(many.map((id) => t.prompt(id, 'at once')));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
