import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTINUE_AFTER_COMPACTION } from '../../src/compaction/auto-compaction.service';
import { CLEARED_TOOL_OUTPUT } from '../../src/llm/model-messages';
import {
  eventLabel,
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
  type StoredMessage,
} from '../support/agent-app';

const TIGHT = { providerID: 'fake', modelID: 'fake-tight' };
/** Usage that fills `fake-tight`'s context (1,000 tokens, 100 kept for the answer). */
const FULL = { prompt_tokens: 880, completion_tokens: 20 };

/** Automatic compaction: a step that fills the model's context has the session summarized. */
describe('agent loop: automatic compaction when the context is full', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp();
  });
  afterAll(() => t.close());

  function prompt(sessionID: string, text: string): Promise<StoredMessage> {
    return t.prompt(sessionID, { model: TIGHT, parts: [{ type: 'text', text }] });
  }

  /** The text the model was sent in its last request (system prompt left out). */
  function lastRequestText(): string {
    const messages = requestMessages(turnRequests(t.model).at(-1)!).filter(
      (message) => message.role !== 'system',
    );
    return JSON.stringify(messages);
  }

  it('summarizes mid-turn and carries on from the summary with a synthetic prompt', async () => {
    const sessionID = await t.createSession('mid-turn');
    t.model.enqueue(
      { toolCalls: [{ name: 'glob', arguments: { pattern: '*.md' } }], usage: FULL },
      { text: 'Summary: the user asked for markdown files; glob ran.' },
      { text: 'Done, from the summary.' },
    );
    const answer = await prompt(sessionID, 'find the markdown files');
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('Done, from the summary.');

    const messages = await t.messages(sessionID);
    expect(
      messages.map(({ info, parts }) => [info.role, parts.map((part) => part.type).join(',')]),
    ).toEqual([
      ['user', 'text'],
      ['assistant', 'step-start,tool,step-finish'],
      ['user', 'compaction'],
      ['assistant', 'step-start,text,step-finish'],
      ['user', 'text'],
      ['assistant', 'step-start,text,step-finish'],
    ]);
    const [, toolStep, compaction, summary, resume, last] = messages;
    expect(toolStep.info.finish).toBe('tool-calls');
    expect(compaction.parts[0]).toMatchObject({ type: 'compaction', auto: true });
    expect(summary.info).toMatchObject({ summary: true, parentID: compaction.info.id });
    expect(resume.parts[0]).toMatchObject({ text: CONTINUE_AFTER_COMPACTION, synthetic: true });
    expect(last.info.parentID).toBe(resume.info.id);
    expect(answer.info.id).toBe(last.info.id);

    // The step after the compaction sees the summary and the synthetic prompt, not the original.
    const sent = lastRequestText();
    expect(sent).toContain('Summary: the user asked for markdown files');
    expect(sent).toContain('Carry on with the task');
    expect(sent).not.toContain('find the markdown files');

    await t.waitForIdle(sessionID);
    const labels = t.sessionEvents(sessionID).map(eventLabel);
    expect(labels).toContain('session.compacted');
    expect(labels.filter((label) => label === 'session.idle')).toHaveLength(1);
  });

  it("summarizes after a turn's last answer, so that the next prompt starts from the summary", async () => {
    const sessionID = await t.createSession('end of turn');
    t.model.enqueue(
      { text: 'A long answer.', usage: FULL },
      { text: 'Summary: one long answer was given.' },
      { text: 'Second answer.' },
    );
    const first = await prompt(sessionID, 'first question');
    // The caller still gets the answer, not the summary.
    expect(first.parts.find((part) => part.type === 'text')?.text).toBe('A long answer.');
    expect((await t.messages(sessionID)).map(({ info }) => info.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);

    await prompt(sessionID, 'second question');
    const sent = lastRequestText();
    expect(sent).toContain('Summary: one long answer was given.');
    expect(sent).toContain('second question');
    expect(sent).not.toContain('first question');
    // No synthetic prompt: the turn had ended.
    expect(sent).not.toContain('Carry on with the task');
  });

  it('a failed summary ends the turn with session.error; nothing else is lost', async () => {
    const sessionID = await t.createSession('failed summary');
    t.model.enqueue(
      { toolCalls: [{ name: 'glob', arguments: { pattern: '*.txt' } }], usage: FULL },
      { status: 400 },
    );
    const answer = await prompt(sessionID, 'look for text files');
    expect(answer.info.finish).toBe('tool-calls');
    const messages = await t.messages(sessionID);
    expect(messages.map(({ info }) => info.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(messages[3].info).toMatchObject({ summary: true, error: expect.anything() });
    await t.waitForIdle(sessionID);
    const labels = t.sessionEvents(sessionID).map(eventLabel);
    expect(labels).toContain('session.error');
    expect(labels).not.toContain('session.compacted');
  });

  /** What OpenAI-compatible servers answer for a prompt longer than the context. */
  const REFUSED_AS_TOO_LONG = {
    status: 400,
    body: {
      error: {
        message:
          "This model's maximum context length is 1000 tokens; your messages resulted in 1500 tokens.",
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
      },
    },
  };

  it('a call the provider refuses as too long is summarized and tried again from the summary', async () => {
    const sessionID = await t.createSession('refused');
    t.model.enqueue(
      REFUSED_AS_TOO_LONG,
      { text: 'Summary: the user wants a haiku.' },
      { text: 'Here is the haiku.' },
    );
    const answer = await prompt(sessionID, 'write a haiku');
    expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('Here is the haiku.');
    const messages = await t.messages(sessionID);
    expect(messages.map(({ info }) => info.role)).toEqual([
      'user',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(messages[1].parts[0]).toMatchObject({ type: 'compaction', auto: true, overflow: true });
    expect(messages[2].info.summary).toBe(true);
    expect(messages.some(({ info }) => info.error)).toBe(false);
    await t.waitForIdle(sessionID);
    const labels = t.sessionEvents(sessionID).map(eventLabel);
    expect(labels).toContain('message.removed');
    expect(labels).toContain('session.compacted');
    expect(labels).not.toContain('session.error');
  });

  it('a call refused as too long right after a summary fails with ContextOverflowError', async () => {
    const sessionID = await t.createSession('refused twice');
    t.model.enqueue(REFUSED_AS_TOO_LONG, { text: 'Summary: a long story.' }, REFUSED_AS_TOO_LONG);
    const answer = await prompt(sessionID, 'tell the whole story');
    expect(answer.info.error).toMatchObject({
      name: 'ContextOverflowError',
      data: { message: expect.stringContaining('maximum context length') },
    });
    await t.waitForEvent('session.error', sessionID);
    const labels = t.sessionEvents(sessionID).map(eventLabel);
    expect(labels.filter((label) => label === 'session.compacted')).toHaveLength(1);
  });

  it('clears old tool outputs from the context after a turn; clients still get them', async () => {
    const sessionID = await t.createSession('prune');
    // Six reads of ~58k characters (~14.5k tokens each): more than the 40k tokens kept.
    const files = Array.from({ length: 6 }, (_, index) => join(t.directory, `big${index}.txt`));
    for (const file of files) writeFileSync(file, `${'x'.repeat(39)}\n`.repeat(2000));
    t.model.enqueue(
      { toolCalls: files.map((filePath) => ({ name: 'read', arguments: { filePath } })) },
      { text: 'Read them all.' },
      { text: 'Second answer.' },
      { text: 'Third answer.' },
      { text: 'Fourth answer.' },
    );
    await t.prompt(sessionID, 'read six files');
    await t.prompt(sessionID, 'second');
    const toolParts = async () =>
      (await t.messages(sessionID)).flatMap(({ parts }) =>
        parts.filter((part) => part.type === 'tool'),
      );
    // The reading turn is still one of the latest two: nothing is cleared yet.
    expect((await toolParts()).some((part) => part.state.time.compacted)).toBe(false);

    await t.prompt(sessionID, 'third');
    const reads = await toolParts();
    const cleared = reads.filter((part) => part.state.time.compacted);
    // The newest two outputs (~29k tokens) stay; a third would pass 40k: it and the older go.
    expect(cleared).toEqual(reads.slice(0, 4));
    expect(cleared.every((part) => part.state.output.length > 40_000)).toBe(true);

    await t.prompt(sessionID, 'fourth');
    const sent = lastRequestText();
    expect(sent.split(CLEARED_TOOL_OUTPUT)).toHaveLength(5);
  });

  it('does nothing with compaction.auto false, or for a model of unknown context size', async () => {
    const sessionID = await t.createSession('no auto');
    // The default fake model has no context limit: the same usage fills nothing.
    t.model.enqueue({
      text: 'Plenty of room.',
      usage: { prompt_tokens: 500_000, completion_tokens: 9 },
    });
    await t.prompt(sessionID, 'unknown limit');
    expect(await t.messages(sessionID)).toHaveLength(2);

    await t.http
      .patch('/config')
      .send({ compaction: { auto: false } })
      .expect(200);
    t.model.enqueue({ text: 'Still full.', usage: FULL });
    await prompt(sessionID, 'tight, but no auto compaction');
    expect(await t.messages(sessionID)).toHaveLength(4);
    expect(t.sessionEvents(sessionID).map(eventLabel)).not.toContain('session.compacted');
  });
});
