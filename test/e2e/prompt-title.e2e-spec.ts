import {
  isTitleRequest,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';
import type { RecordedRequest, Script } from '../support/fake-model-server';

/** The first prompt of a default-titled session gets a generated title, beside the turn. */
describe('agent loop: title generation', () => {
  let t: AgentTestApp;
  let titleReply: Script;

  beforeAll(async () => {
    t = await startAgentTestApp({ config: { small_model: 'fake/fake-small' } });
    t.model.onRequest((request) => (isTitleRequest(request) ? titleReply : undefined));
  });
  beforeEach(() => {
    titleReply = { text: 'Generated title' };
  });
  afterAll(() => t.close());

  const titleRequests = (): RecordedRequest[] => t.model.requests.filter(isTitleRequest);

  async function title(sessionID: string): Promise<string> {
    return ((await t.http.get(`/session/${sessionID}`).expect(200)).body as { title: string })
      .title;
  }

  /** Waits until `count` title requests were made, then lets their outcome land. */
  async function settleTitle(count: number): Promise<void> {
    const deadline = Date.now() + 3000;
    while (titleRequests().length < count && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 150));
  }

  it('titles a default-titled session from its first prompt, with the small model', async () => {
    const sessionID = await t.createSession();
    const before = titleRequests().length;
    titleReply = { text: '"Fix the login redirect loop."\n' };
    await t.prompt(sessionID, 'The login page redirects forever, please fix it');
    const updated = await t.waitForEvent('session.updated', sessionID, {
      match: (event) => event.properties.info.title === 'Fix the login redirect loop',
    });
    expect(updated.properties.info.id).toBe(sessionID);
    expect(await title(sessionID)).toBe('Fix the login redirect loop');
    const requests = titleRequests().slice(before);
    expect(requests).toHaveLength(1);
    expect(requests[0].body.model).toBe('fake-small');
    expect(JSON.stringify(requests[0].body.messages)).toContain('redirects forever');

    // Later prompts leave the title alone.
    await t.prompt(sessionID, 'and another thing');
    await settleTitle(before + 1);
    expect(titleRequests().length).toBe(before + 1);
  });

  it('does not title a session that was named', async () => {
    const sessionID = await t.createSession('My own name');
    const before = titleRequests().length;
    await t.prompt(sessionID, 'hello');
    await settleTitle(before);
    expect(titleRequests().length).toBe(before);
    expect(await title(sessionID)).toBe('My own name');
  });

  it('keeps a title the user set while the title was being generated', async () => {
    const sessionID = await t.createSession();
    const before = titleRequests().length;
    titleReply = { text: 'Too late', delayMs: 150 };
    const answer = t.prompt(sessionID, 'hello');
    const deadline = Date.now() + 3000;
    while (titleRequests().length === before && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await t.http.patch(`/session/${sessionID}`).send({ title: 'Renamed by me' }).expect(200);
    await answer;
    await settleTitle(before + 1);
    expect(await title(sessionID)).toBe('Renamed by me');
  });

  it('a failing title request is only logged: the turn answers, the title stays default', async () => {
    const sessionID = await t.createSession();
    const original = await title(sessionID);
    const before = titleRequests().length;
    titleReply = { status: 400, body: { error: { message: 'no titles today' } } };
    const answer = await t.prompt(sessionID, 'hello');
    expect(answer.info.error).toBeUndefined();
    await settleTitle(before + 1);
    expect(titleRequests().length).toBeGreaterThan(before);
    expect(await title(sessionID)).toBe(original);
    expect(t.sessionEvents(sessionID).map((event) => event.type)).not.toContain('session.error');
  });

  it('the turn does not wait for a slow title', async () => {
    const sessionID = await t.createSession();
    const untitled = await title(sessionID);
    titleReply = { text: 'Slow title', delayMs: 1500 };
    await t.prompt(sessionID, 'quick question');
    // Answered while the title is still on its way.
    expect(await title(sessionID)).toBe(untitled);
    await t.waitForEvent('session.updated', sessionID, {
      match: (event) => event.properties.info.title === 'Slow title',
    });
  });

  it('the subagent sessions of the task tool are not titled', async () => {
    const sessionID = await t.createSession('parent');
    const before = titleRequests().length;
    t.model.enqueue(
      {
        toolCalls: [
          {
            name: 'task',
            arguments: { description: 'Look', prompt: 'look around', subagent_type: 'explore' },
          },
        ],
      },
      { text: 'looked' },
      { text: 'done' },
    );
    await t.prompt(sessionID, 'delegate');
    await settleTitle(before);
    expect(titleRequests().length).toBe(before);
    expect(turnRequests(t.model).length).toBeGreaterThanOrEqual(3);
  });
});
