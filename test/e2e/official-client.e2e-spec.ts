import { join } from 'node:path';
import {
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
  type StoredMessage,
} from '../support/agent-app';
import { writeFiles } from '../support/fixtures';
import { opencodeClient, type ClientRun, type OpencodeClient } from '../support/opencode-client';

/*
 * The OFFICIAL opencode terminal client (opencode-ai 1.18.33, a devDependency) runs unchanged
 * against this server: `opencode run --attach <url> --format json <prompt>` creates or picks a
 * session, subscribes to `/event`, sends `POST /session/:id/message`, prints the session's parts
 * as JSON lines while they stream, rejects every permission ask through
 * `POST /permission/:requestID/reply`, and exits as soon as the prompt call answers. So the
 * answer must come only after the turn's last events went out on `/event`, or the output loses
 * its end.
 *
 * Each run has a timeout (a hang fails fast) and the suite stays within about a minute: the
 * client takes a second or so to start.
 */

/** How many plain prompts must each end with `step_finish` (the race above shows up rarely). */
const PLAIN_RUNS = 10;

describe('the official terminal client (opencode-ai 1.18.33, `opencode run --attach`)', () => {
  let t: AgentTestApp;
  let client: OpencodeClient;

  beforeAll(async () => {
    t = await startAgentTestApp({
      config: { permission: { bash: 'ask' } },
      // The request log (debug level): every route the client called and what it answered.
      captureLogs: true,
    });
    writeFiles(t.directory, { 'notes.txt': 'alpha\nbeta\n' });
    client = opencodeClient();
  });
  afterAll(() => t.close());

  let logMark = 0;
  beforeEach(() => {
    logMark = t.logs().length;
  });

  /** `METHOD url -> status` of every request answered since the test started. */
  function requestsOfTest(): Array<{ method: string; url: string; status: number }> {
    return t
      .logs()
      .slice(logMark)
      .split('\n')
      .filter((line) => line.includes('"msg":"request"'))
      .map((line) => JSON.parse(line) as { method: string; url: string; status: number });
  }

  /** No request of the test (the client's included) was refused or failed. */
  function expectNoFailedRequest(): void {
    const failed = requestsOfTest()
      .filter((request) => request.status >= 400)
      .map((request) => `${request.method} ${request.url} -> ${request.status}`);
    expect(failed).toEqual([]);
  }

  /** The run ended by itself, successfully, and printed only JSON lines of one session. */
  function expectCleanExit(run: ClientRun): string {
    expect({ code: run.code, timedOut: run.timedOut, otherOutput: run.otherOutput }).toEqual({
      code: 0,
      timedOut: false,
      otherOutput: [],
    });
    expect(run.events.length).toBeGreaterThan(0);
    const sessionID = run.events[0].sessionID;
    expect(sessionID).toMatch(/^ses_/);
    for (const event of run.events) {
      expect(event).toMatchObject({ sessionID, timestamp: expect.any(Number) });
      if (event.part) expect(event.part.sessionID).toBe(sessionID);
    }
    return sessionID;
  }

  function userTexts(messages: StoredMessage[]): string[] {
    return messages
      .filter((message) => message.info.role === 'user')
      .map((message) => message.parts.find((part) => part.type === 'text')?.text as string);
  }

  it(`a plain prompt prints step_start, text, step_finish, and ends with step_finish every time (${PLAIN_RUNS} runs)`, async () => {
    // Two at a time: the client's start-up is what takes long, and the model answers "ok" to
    // every turn whatever the order. Each of the two has a HOME of its own: two clients that
    // start at once on a new HOME both create their local database, and one of them fails.
    const pair = [client, opencodeClient()];
    const runs: ClientRun[] = [];
    for (let i = 0; i < PLAIN_RUNS; i += 2) {
      runs.push(
        ...(await Promise.all(pair.map((each, j) => each.run(t.url, `say hello, run #${i + j}`)))),
      );
    }

    const incomplete = runs
      .filter((run) => run.events.at(-1)?.type !== 'step_finish')
      .map((run) => ({
        printed: run.events.map((event) => event.type).join(' '),
        code: run.code,
        timedOut: run.timedOut,
        ms: run.durationMs,
        stderr: run.stderr.slice(-500),
      }));
    expect({ complete: PLAIN_RUNS - incomplete.length, incomplete }).toEqual({
      complete: PLAIN_RUNS,
      incomplete: [],
    });
    for (const run of runs) {
      expect(run.events.map((event) => event.type)).toEqual(['step_start', 'text', 'step_finish']);
    }

    const sessions = new Set<string>();
    for (const [i, run] of runs.entries()) {
      const sessionID = expectCleanExit(run);
      sessions.add(sessionID);
      const messages = await t.messages(sessionID);
      expect(userTexts(messages)).toEqual([`say hello, run #${i}`]);
      const answer = messages[1];
      const [start, text, finish] = run.events;
      expect(start.part).toMatchObject({ type: 'step-start', messageID: answer.info.id });
      expect(text.part).toMatchObject({
        type: 'text',
        text: 'ok',
        messageID: answer.info.id,
        time: { start: expect.any(Number), end: expect.any(Number) },
      });
      expect(finish.part).toMatchObject({
        type: 'step-finish',
        reason: 'stop',
        messageID: answer.info.id,
        tokens: expect.objectContaining({ input: expect.any(Number) }),
      });
      // What the client printed is what the server stored.
      expect(answer.parts.map((part) => part.id)).toEqual(
        run.events.map((event) => event.part!.id),
      );
    }
    expect(sessions.size).toBe(PLAIN_RUNS);
    expectNoFailedRequest();
  }, 60_000);

  it('a bash call that asks is rejected by the client: the tool fails, the turn ends, the client exits', async () => {
    const before = turnRequests(t.model).length;
    // Only the tool call: after a plain reject the model is not asked again.
    t.model.enqueue({
      toolCalls: [{ name: 'bash', arguments: { command: 'echo ran', description: 'Echo' } }],
    });
    const run = await client.run(t.url, 'run echo', { timeoutMs: 15_000 });
    const sessionID = expectCleanExit(run);
    expect(run.stderr).toContain('permission requested: bash (echo ran); auto-rejecting');

    const tool = run.events.find((event) => event.type === 'tool_use');
    expect(tool?.part).toMatchObject({
      type: 'tool',
      tool: 'bash',
      state: { status: 'error', input: { command: 'echo ran' }, error: expect.any(String) },
    });
    expect(turnRequests(t.model)).toHaveLength(before + 1);
    expect(t.model.pendingScripts()).toBe(0);

    const replied = t
      .sessionEvents(sessionID)
      .filter((event) => event.type === 'permission.replied');
    expect(replied.map((event) => event.properties.reply)).toEqual(['reject']);
    const pending = await t.http.get('/permission').expect(200);
    expect(pending.body).toEqual([]);
    const messages = await t.messages(sessionID);
    const stored = messages[1].parts.find((part) => part.type === 'tool')!;
    expect(stored.state).toMatchObject({ status: 'error', error: tool!.part!.state.error });
    // The reply went through the route today's clients use.
    expect(requestsOfTest().map((request) => `${request.method} ${request.url}`)).toContainEqual(
      expect.stringMatching(/^POST \/permission\/per_\w+\/reply/),
    );
    expectNoFailedRequest();
  });

  it('a read call is printed as tool_use with the file, then the answer', async () => {
    const file = join(t.directory, 'notes.txt');
    t.model.enqueue(
      { toolCalls: [{ name: 'read', arguments: { filePath: file } }] },
      { text: 'It lists alpha and beta' },
    );
    const run = await client.run(t.url, 'what is in notes.txt?');
    const sessionID = expectCleanExit(run);
    expect(t.model.pendingScripts()).toBe(0);

    const tool = run.events.find((event) => event.type === 'tool_use');
    expect(tool?.part).toMatchObject({
      type: 'tool',
      tool: 'read',
      state: {
        status: 'completed',
        input: { filePath: file },
        output: expect.stringMatching(/alpha[\s\S]*beta/),
      },
    });
    const text = run.events.find((event) => event.type === 'text');
    expect(text?.part?.text).toBe('It lists alpha and beta');
    const types = run.events.map((event) => event.type);
    expect(types.indexOf('tool_use')).toBeLessThan(types.indexOf('text'));
    const messages = await t.messages(sessionID);
    expect(messages.map((message) => message.info.role)).toEqual([
      'user',
      'assistant',
      'assistant',
    ]);
    expectNoFailedRequest();
  });

  it('--continue goes on in the last session, --session in the one named, --fork in a copy', async () => {
    const first = await client.run(t.url, 'first');
    const sessionID = expectCleanExit(first);
    // The title is written once the first turn has started; wait for it, so that no later
    // update of an older session makes that one "the last session".
    await waitFor(async () => {
      const session = await t.http.get(`/session/${sessionID}`).expect(200);
      return session.body.title === 'Generated title';
    });

    const continued = await client.run(t.url, 'second', { continue: true });
    expect(expectCleanExit(continued)).toBe(sessionID);
    expect(userTexts(await t.messages(sessionID))).toEqual(['first', 'second']);

    const named = await t.createSession('picked by id');
    const onNamed = await client.run(t.url, 'third', { session: named, dir: t.directory });
    expect(expectCleanExit(onNamed)).toBe(named);
    expect(userTexts(await t.messages(named))).toEqual(['third']);
    expect(userTexts(await t.messages(sessionID))).toEqual(['first', 'second']);

    const forked = await client.run(t.url, 'fourth', { session: sessionID, fork: true });
    const forkID = expectCleanExit(forked);
    expect(forkID).not.toBe(sessionID);
    const fork = await t.http.get(`/session/${forkID}`).expect(200);
    expect(fork.body).toMatchObject({ title: 'Generated title (fork #1)' });
    expect(userTexts(await t.messages(forkID))).toEqual(['first', 'second', 'fourth']);
    expect(userTexts(await t.messages(sessionID))).toEqual(['first', 'second']);

    // --continue --fork: a copy of the last root session (the fork just made).
    const forkedAgain = await client.run(t.url, 'fifth', { continue: true, fork: true });
    const secondForkID = expectCleanExit(forkedAgain);
    expect([sessionID, forkID, named]).not.toContain(secondForkID);
    expect(userTexts(await t.messages(secondForkID))).toEqual([
      'first',
      'second',
      'fourth',
      'fifth',
    ]);
    expectNoFailedRequest();
  }, 45_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
