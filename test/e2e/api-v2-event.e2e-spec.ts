import { execFile } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { startAgentTestApp, type AgentTestApp } from '../support/agent-app';
import { connectSse, type SseClient } from '../support/sse-client';

/*
 * Frames are read loosely here: the tests assert them field by field against the reference
 * shapes.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
type Frame = { id: string; type: string; durable?: any; location?: any; data: any };

const SCRIPT = join(__dirname, '..', 'support', 'api-event-sdk-scenario.mjs');

/** `GET /api/event`: every bus event as a v2 frame, from the connection on. */
describe('GET /api/event', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp({ config: { permission: { bash: 'ask' } } });
  });
  afterAll(() => t.close());

  function subscribe(): SseClient {
    return connectSse(`${t.url}/api/event`);
  }
  const frames = (client: SseClient) => client.frames.map((frame) => frame.data as Frame);

  it('starts with server.connected and a heartbeat comment, as an event stream', async () => {
    const wire = await new Promise<{ headers: http.IncomingHttpHeaders; text: string }>(
      (resolve, reject) => {
        const request = http.get(`${t.url}/api/event`, (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
            if (text.includes(': heartbeat\n\n')) {
              request.destroy();
              resolve({ headers: response.headers, text });
            }
          });
        });
        request.on('error', reject);
      },
    );
    expect(wire.headers['content-type']).toBe('text/event-stream');
    expect(wire.headers['cache-control']).toBe('no-cache, no-transform');
    const match = /^id: (evt_\w+)\ndata: (.*)\n\n: heartbeat\n\n$/.exec(wire.text);
    expect(match).not.toBeNull();
    expect(JSON.parse(match![2])).toEqual({ id: match![1], type: 'server.connected', data: {} });
  });

  it('shows a turn: the session created (seq 0), its session.next frames, the permission asked and replied in both vocabularies, each with its location', async () => {
    const client = subscribe();
    await client.waitFor((frame) => (frame.data as Frame).type === 'server.connected');
    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'ls', description: 'list' } }] },
      { text: 'listed' },
    );
    const sessionID = await t.createSession('api event');
    const turn = t.prompt(sessionID, 'list the files');
    const asked = await client.waitFor(
      (frame) => (frame.data as Frame).type === 'permission.v2.asked',
    );
    const request = (asked.data as Frame).data;
    await t.http
      .post(`/api/session/${sessionID}/permission/${request.id}/reply`)
      .send({ reply: 'once' })
      .expect(204);
    await turn;
    await client.waitFor(
      (frame) =>
        (frame.data as Frame).type === 'session.idle' &&
        (frame.data as Frame).data.sessionID === sessionID,
    );
    client.close();

    const all = frames(client);
    expect(all[0]).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'server.connected',
      data: {},
    });
    const location = { directory: t.directory };
    for (const frame of all.slice(1)) {
      expect(frame.id).toMatch(/^evt_/);
      expect(frame.location).toEqual(location);
    }
    // The SSE id of each frame is the frame's id.
    for (const raw of client.frames) expect(raw.id).toBe((raw.data as Frame).id);

    const created = all.find((frame) => frame.type === 'session.created')!;
    expect(created.durable).toEqual({ aggregateID: sessionID, seq: 0, version: 1 });
    expect(created.data).toEqual({ sessionID, info: expect.objectContaining({ id: sessionID }) });

    const classic = all.find((frame) => frame.type === 'permission.asked')!;
    expect(classic.data.id).toBe(request.id);
    expect(request).toEqual({
      id: classic.data.id,
      sessionID,
      action: 'bash',
      resources: ['ls'],
      save: ['ls *'],
      metadata: { command: 'ls', description: 'list' },
      source: {
        type: 'tool',
        messageID: classic.data.tool.messageID,
        callID: classic.data.tool.callID,
      },
    });
    const replied = all.find((frame) => frame.type === 'permission.v2.replied')!;
    expect(replied.data).toEqual({ sessionID, requestID: request.id, reply: 'once' });

    // The turn in the v2 vocabulary: durable frames numbered in the session's sequence.
    const next = all.filter((frame) => frame.type.startsWith('session.next.'));
    expect(next.map((frame) => frame.type)).toEqual(
      expect.arrayContaining(['session.next.step.started', 'session.next.step.ended']),
    );
    const seqs = next.filter((frame) => frame.durable).map((frame) => frame.durable.seq as number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const frame of next) {
      expect(frame.data.sessionID).toBe(sessionID);
      if (frame.durable) expect(frame.durable.aggregateID).toBe(sessionID);
    }
  });

  it('a v2 turn: its bash call waits on the request, listed by the v2 routes, and goes on after the reply', async () => {
    const client = subscribe();
    await client.waitFor((frame) => (frame.data as Frame).type === 'server.connected');
    const created = await t.http
      .post('/api/session')
      .send({ location: { directory: t.directory } })
      .expect(200);
    const sessionID = created.body.data.id as string;
    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'pwd', description: 'where' } }] },
      { text: 'here' },
    );
    await t.http
      .post(`/api/session/${sessionID}/prompt`)
      .send({ prompt: { text: 'where am I' } })
      .expect(200);
    const asked = await client.waitFor(
      (frame) =>
        (frame.data as Frame).type === 'permission.v2.asked' &&
        (frame.data as Frame).data.sessionID === sessionID,
    );
    const request = (asked.data as Frame).data;
    expect(request).toMatchObject({
      sessionID,
      action: 'bash',
      resources: ['pwd'],
      save: ['pwd *'],
    });
    const listed = await t.http.get(`/api/session/${sessionID}/permission`).expect(200);
    expect(listed.body.data).toEqual([request]);
    await t.http
      .post(`/api/session/${sessionID}/permission/${request.id}/reply`)
      .send({ reply: 'once' })
      .expect(204);
    await t.http.post(`/api/session/${sessionID}/wait`).expect(204);
    client.close();

    const types = frames(client)
      .filter((frame) => frame.data?.sessionID === sessionID)
      .map((frame) => frame.type);
    const at = (type: string) => types.indexOf(type);
    expect(at('session.next.tool.called')).toBeGreaterThanOrEqual(0);
    expect(at('session.next.tool.called')).toBeLessThan(at('permission.v2.asked'));
    expect(at('permission.v2.asked')).toBeLessThan(at('permission.v2.replied'));
    expect(at('permission.v2.replied')).toBeLessThan(at('session.next.tool.success'));
    // The request's source is the call as the session's events name it.
    const called = frames(client).find((frame) => frame.type === 'session.next.tool.called')!;
    expect(request.source).toEqual({
      type: 'tool',
      messageID: called.data.assistantMessageID,
      callID: called.data.callID,
    });
  });

  it('shows question.v2 frames for a question asked, answered and dismissed', async () => {
    const client = subscribe();
    await client.waitFor((frame) => (frame.data as Frame).type === 'server.connected');
    const questions = [
      { question: 'Which?', header: 'Pick', options: [{ label: 'A', description: 'a' }] },
    ];
    const sessionID = await t.createSession('api event questions');
    t.model.enqueue(
      { toolCalls: [{ name: 'question', arguments: { questions } }] },
      { text: 'ok' },
    );
    const turn = t.prompt(sessionID, 'ask');
    const asked = await client.waitFor(
      (frame) => (frame.data as Frame).type === 'question.v2.asked',
    );
    const request = (asked.data as Frame).data;
    expect(request).toEqual({
      id: expect.stringMatching(/^que_/),
      sessionID,
      questions,
      tool: { messageID: expect.stringMatching(/^msg_/), callID: expect.any(String) },
    });
    await t.http
      .post(`/api/session/${sessionID}/question/${request.id}/reply`)
      .send({ answers: [['A']] })
      .expect(204);
    await turn;
    const replied = await client.waitFor(
      (frame) => (frame.data as Frame).type === 'question.v2.replied',
    );
    expect((replied.data as Frame).data).toEqual({
      sessionID,
      requestID: request.id,
      answers: [['A']],
    });

    t.model.enqueue({ toolCalls: [{ name: 'question', arguments: { questions } }] });
    const second = t.prompt(sessionID, 'ask again');
    const again = await client.waitFor(
      (frame) =>
        (frame.data as Frame).type === 'question.v2.asked' &&
        (frame.data as Frame).data.id !== request.id,
    );
    const againID = (again.data as Frame).data.id as string;
    await t.http.post(`/api/session/${sessionID}/question/${againID}/reject`).expect(204);
    await second;
    const rejected = await client.waitFor(
      (frame) => (frame.data as Frame).type === 'question.v2.rejected',
    );
    expect((rejected.data as Frame).data).toEqual({ sessionID, requestID: againID });
    client.close();
  });

  it('ends the subscription when the client goes, and each subscriber has its own stream', async () => {
    const first = subscribe();
    const second = subscribe();
    await first.waitFor((frame) => (frame.data as Frame).type === 'server.connected');
    await second.waitFor((frame) => (frame.data as Frame).type === 'server.connected');
    expect((first.frames[0].data as Frame).id).not.toBe((second.frames[0].data as Frame).id);
    first.close();
    const sessionID = await t.createSession('second only');
    await second.waitFor(
      (frame) =>
        (frame.data as Frame).type === 'session.created' &&
        (frame.data as Frame).data.sessionID === sessionID,
    );
    second.close();
  });

  it('works with the official SDK v2 client: subscribe, see the request, reply, see the turn end', async () => {
    t.model.enqueue(
      { toolCalls: [{ name: 'bash', arguments: { command: 'ls', description: 'list' } }] },
      { text: 'listed' },
    );
    const output = await new Promise<any>((resolve, reject) => {
      execFile(
        process.execPath,
        [SCRIPT, t.url, t.directory],
        { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout) => (error ? reject(new Error(error.message)) : resolve(JSON.parse(stdout))),
      );
    });
    expect(output.crashed).toBeUndefined();
    const sdkFrames = output.frames as Frame[];
    expect(sdkFrames[0].type).toBe('server.connected');
    const asked = sdkFrames.find((frame) => frame.type === 'permission.v2.asked')!;
    expect(asked.data.sessionID).toBe(output.sessionID);
    expect(output.pending).toEqual({ data: [asked.data] });
    expect(sdkFrames.find((frame) => frame.type === 'permission.v2.replied')?.data).toEqual({
      sessionID: output.sessionID,
      requestID: asked.data.id,
      reply: 'once',
    });
    expect(sdkFrames.map((frame) => frame.type)).toContain('session.next.step.ended');
  });
});
