import { execFile } from 'node:child_process';
import { join } from 'node:path';
import {
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';

/*
 * Scripts written against the v2 client of the OFFICIAL opencode SDK (`@opencode-ai/sdk/v2`,
 * 1.19.3, the client today's terminal client and web app are built on) must work unchanged
 * against this server. The SDK is ESM-only and jest runs CommonJS here, so each scenario runs in
 * `test/support/official-sdk-v2-scenario.mjs`, a plain Node script that prints what every call
 * returned; these tests script the model's replies, run it, and assert on its output.
 *
 * Expected values are what the reference server (opencode 1.18.33) answers to the same
 * scenarios; the wording of tool results and tool errors (this server's own) is checked only
 * for what they must carry.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the script's JSON is read field by field */
type Json = any;

interface CallRecord {
  /** `METHOD /path?query` as the SDK sent it. */
  request?: string;
  status?: number;
  data?: Json;
  error?: Json;
  thrown?: string;
}

interface ScenarioOutput {
  scenario: string;
  calls: Record<string, CallRecord>;
  /** Label → id of the sessions the scenario created. */
  sessions: Record<string, string>;
  /** The `/event` events of those sessions, in order. */
  events: Json[];
  asked: Json;
  crashed?: string;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const SCRIPT = join(__dirname, '..', 'support', 'official-sdk-v2-scenario.mjs');
/** The ids the script uses for requests no server has made. */
const UNKNOWN_PERMISSION = 'per_0000000000000000000000unknown';
const UNKNOWN_QUESTION = 'que_0000000000000000000000unknown';

describe('the official SDK, v2 client (@opencode-ai/sdk/v2 1.19.3), against this server', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp({ config: { permission: { bash: 'ask' } } });
  });
  afterAll(() => t.close());

  function run(scenario: string): Promise<ScenarioOutput> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [SCRIPT, scenario, t.url, t.directory],
        { timeout: 25_000, maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error) {
            reject(new Error(`scenario ${scenario} failed: ${error.message}\n${stderr}`));
            return;
          }
          const output = JSON.parse(stdout) as ScenarioOutput;
          if (output.crashed) {
            reject(new Error(`scenario ${scenario} crashed: ${output.crashed}\n${stdout}`));
            return;
          }
          resolve(output);
        },
      );
    });
  }

  /** The data of a call that must have succeeded with `status`. */
  function ok(out: ScenarioOutput, name: string, status = 200): Json {
    const call = out.calls[name];
    expect({ name, status: call?.status, error: call?.error, thrown: call?.thrown }).toEqual({
      name,
      status,
      error: undefined,
      thrown: undefined,
    });
    return call.data;
  }

  /** The error body of a call that must have failed with `status`. */
  function failed(out: ScenarioOutput, name: string, status: number): Json {
    const call = out.calls[name];
    expect({ name, status: call?.status, thrown: call?.thrown }).toEqual({
      name,
      status,
      thrown: undefined,
    });
    return call.error;
  }

  /** The tool parts of a session's stored messages, in order. */
  function toolParts(out: ScenarioOutput, label: string): Json[] {
    return ok(out, `session.messages:${label}`).flatMap((message: Json) =>
      message.parts.filter((part: Json) => part.type === 'tool'),
    );
  }

  function texts(out: ScenarioOutput, label: string): string[] {
    return ok(out, `session.messages:${label}`).flatMap((message: Json) =>
      message.parts.filter((part: Json) => part.type === 'text').map((part: Json) => part.text),
    );
  }

  function eventsOf(out: ScenarioOutput, label: string, type: string): Json[] {
    return out.events
      .filter((event) => event.type === type && event.properties.sessionID === out.sessions[label])
      .map((event) => event.properties);
  }

  it('permission: list the pending ask, reject it with a message (the model reads it and goes on), allow one once', async () => {
    const bash = {
      toolCalls: [{ name: 'bash', arguments: { command: 'echo tests-pass', description: 'Run' } }],
    };
    const before = turnRequests(t.model).length;
    t.model.enqueue(bash, { text: 'Understood, not running it' }, bash, { text: 'Tests pass' });
    const out = await run('permission');
    const rejected = out.sessions.reject;

    // The ask, as /event and GET /permission show it.
    const asked = out.asked;
    expect(asked).toEqual({
      id: expect.stringMatching(/^per_/),
      sessionID: rejected,
      permission: 'bash',
      patterns: ['echo tests-pass'],
      metadata: expect.objectContaining({ command: 'echo tests-pass' }),
      always: ['echo *'],
      tool: { messageID: expect.stringMatching(/^msg_/), callID: expect.any(String) },
    });
    expect(ok(out, 'permission.list:pending')).toEqual([asked]);
    expect(out.calls['permission.list:pending'].request).toBe(
      `GET /permission?directory=${encodeURIComponent(t.directory)}`,
    );

    expect(ok(out, 'permission.reply:reject')).toBe(true);
    expect(out.calls['permission.reply:reject'].request).toBe(`POST /permission/${asked.id}/reply`);
    expect(eventsOf(out, 'reject', 'permission.replied')).toEqual([
      { sessionID: rejected, requestID: asked.id, reply: 'reject' },
    ]);
    const [refused] = toolParts(out, 'reject');
    expect(refused).toMatchObject({
      tool: 'bash',
      callID: asked.tool.callID,
      state: { status: 'error', error: expect.stringContaining('Do not run it, the CI does') },
    });
    // A reject with a message is feedback: the model is asked again, reads it, and answers.
    expect(texts(out, 'reject')).toEqual(['Run the tests', 'Understood, not running it']);
    const feedback = requestMessages(turnRequests(t.model)[before + 1]).find(
      (message) => message.role === 'tool',
    );
    expect(JSON.stringify(feedback?.content)).toContain('Do not run it, the CI does');
    expect(ok(out, 'permission.list:after-reject')).toEqual([]);
    // Answered already: no longer pending.
    expect(failed(out, 'permission.reply:again', 404)).toEqual({
      _tag: 'PermissionNotFoundError',
      requestID: asked.id,
      message: `Permission request not found: ${asked.id}`,
    });

    expect(ok(out, 'permission.reply:once')).toBe(true);
    expect(eventsOf(out, 'once', 'permission.replied')).toEqual([
      expect.objectContaining({ sessionID: out.sessions.once, reply: 'once' }),
    ]);
    const [allowed] = toolParts(out, 'once');
    expect(allowed).toMatchObject({
      tool: 'bash',
      state: { status: 'completed', output: expect.stringContaining('tests-pass') },
    });
    expect(texts(out, 'once')).toEqual(['Run the tests again', 'Tests pass']);

    expect(failed(out, 'permission.reply:unknown', 404)).toEqual({
      _tag: 'PermissionNotFoundError',
      requestID: UNKNOWN_PERMISSION,
      message: `Permission request not found: ${UNKNOWN_PERMISSION}`,
    });
    expect(failed(out, 'permission.reply:bad-reply', 400)).toMatchObject({
      data: { message: expect.stringContaining('reply') },
    });
    expect(turnRequests(t.model)).toHaveLength(before + 4);
    expect(t.model.pendingScripts()).toBe(0);
  });

  it('question: list the pending question, answer it (the tool result carries the answers), reject another (tool error, the turn ends)', async () => {
    const questions = [
      {
        question: 'Which colour should the button be?',
        header: 'Colour',
        options: [
          { label: 'Blue', description: 'Calm' },
          { label: 'Red', description: 'Loud' },
        ],
      },
      {
        question: 'Which sizes?',
        header: 'Sizes',
        multiple: true,
        options: [
          { label: 'Small', description: 'S' },
          { label: 'Large', description: 'L' },
        ],
      },
    ];
    const ask = { toolCalls: [{ name: 'question', arguments: { questions } }] };
    const before = turnRequests(t.model).length;
    // No reply after the rejected question: a dismissed question ends the turn.
    t.model.enqueue(ask, { text: 'Blue it is' }, ask);
    const out = await run('question');
    const answered = out.sessions.reply;

    const asked = out.asked;
    expect(asked).toEqual({
      id: expect.stringMatching(/^que_/),
      sessionID: answered,
      questions,
      tool: { messageID: expect.stringMatching(/^msg_/), callID: expect.any(String) },
    });
    expect(ok(out, 'question.list:pending')).toEqual([asked]);
    expect(ok(out, 'question.reply')).toBe(true);
    expect(out.calls['question.reply'].request).toBe(`POST /question/${asked.id}/reply`);
    expect(eventsOf(out, 'reply', 'question.replied')).toEqual([
      { sessionID: answered, requestID: asked.id, answers: [['Blue'], ['Small', 'Large']] },
    ]);
    const [tool] = toolParts(out, 'reply');
    expect(tool).toMatchObject({
      tool: 'question',
      callID: asked.tool.callID,
      state: {
        status: 'completed',
        input: { questions },
        // Each question with its answer (several labels of one answer joined by ", ").
        output: expect.stringMatching(
          /Which colour should the button be\?[^\n]*Blue[\s\S]*Which sizes\?[^\n]*Small, Large/,
        ),
        metadata: expect.objectContaining({ answers: [['Blue'], ['Small', 'Large']] }),
      },
    });
    expect(texts(out, 'reply')).toEqual(['Pick a colour', 'Blue it is']);
    expect(ok(out, 'question.list:after-reply')).toEqual([]);

    expect(ok(out, 'question.reject')).toBe(true);
    const rejected = out.sessions.reject;
    const [rejectedAsk] = eventsOf(out, 'reject', 'question.asked');
    expect(eventsOf(out, 'reject', 'question.rejected')).toEqual([
      { sessionID: rejected, requestID: rejectedAsk.id },
    ]);
    const [dismissed] = toolParts(out, 'reject');
    expect(dismissed).toMatchObject({
      tool: 'question',
      state: { status: 'error', error: expect.stringMatching(/dismissed/) },
    });
    expect(texts(out, 'reject')).toEqual(['Pick a colour again']);
    expect(ok(out, 'question.list:after-reject')).toEqual([]);

    const questionNotFound = {
      _tag: 'QuestionNotFoundError',
      requestID: UNKNOWN_QUESTION,
      message: `Question request not found: ${UNKNOWN_QUESTION}`,
    };
    expect(failed(out, 'question.reply:unknown', 404)).toEqual(questionNotFound);
    expect(failed(out, 'question.reject:unknown', 404)).toEqual(questionNotFound);
    expect(failed(out, 'question.reply:bad-answers', 400)).toMatchObject({
      data: { message: expect.stringContaining('answers') },
    });
    expect(turnRequests(t.model)).toHaveLength(before + 3);
    expect(t.model.pendingScripts()).toBe(0);
  });
});
