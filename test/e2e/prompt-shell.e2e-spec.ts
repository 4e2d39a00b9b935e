import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  eventLabel,
  requestMessages,
  startAgentTestApp,
  turnRequests,
  type AgentTestApp,
} from '../support/agent-app';
import { processesMatching } from '../support/processes';

/** `POST /session/:id/shell` and `POST /session/:id/command`. */
describe('agent loop: shell and commands', () => {
  let t: AgentTestApp;

  beforeAll(async () => {
    t = await startAgentTestApp({
      config: {
        command: {
          review: {
            template: 'Review the file $1 with care. Context: $ARGUMENTS',
            description: 'Review a file',
          },
        },
      },
    });
    mkdirSync(join(t.directory, '.opencode/command'), { recursive: true });
    writeFileSync(
      join(t.directory, '.opencode/command/explain.md'),
      '---\ndescription: Explain something\nagent: plan\n---\nExplain $ARGUMENTS simply.\n',
    );
  });
  afterAll(() => t.close());

  describe('shell', () => {
    it('runs the command in the project without the model and records both messages', async () => {
      const sessionID = await t.createSession('shell');
      const before = t.model.requests.length;
      const response = await t.http
        .post(`/session/${sessionID}/shell`)
        .send({ agent: 'build', command: 'echo "$PWD"; echo oops >&2; exit 4' })
        .expect(200);
      expect(t.model.requests.length).toBe(before);
      const { info, parts } = response.body;
      expect(info).toMatchObject({
        role: 'assistant',
        agent: 'build',
        providerID: 'fake',
        modelID: 'fake-model',
        time: { completed: expect.any(Number) },
      });
      expect(parts).toHaveLength(1);
      expect(parts[0]).toMatchObject({
        type: 'tool',
        tool: 'bash',
        state: {
          status: 'completed',
          input: { command: 'echo "$PWD"; echo oops >&2; exit 4' },
          metadata: { exit: 4 },
        },
      });
      expect(parts[0].state.output).toContain(t.directory);
      expect(parts[0].state.output).toContain('oops');

      const stored = await t.messages(sessionID);
      expect(stored.map((message) => message.info.role)).toEqual(['user', 'assistant']);
      expect(stored[1].info.parentID).toBe(stored[0].info.id);
      expect(stored[1]).toEqual(response.body);
      await t.waitForIdle(sessionID);
      const labels = t.sessionEvents(sessionID).map(eventLabel);
      expect(labels).toContain('session.status:busy');
      expect(labels.filter((label) => label === 'session.idle')).toHaveLength(1);
      expect(labels).toContain('message.part.updated:tool:running');
      expect(labels).toContain('message.part.updated:tool:completed');
    });

    it('the model sees a shell run in the next turn', async () => {
      const sessionID = await t.createSession('shell then prompt');
      await t.http
        .post(`/session/${sessionID}/shell`)
        .send({ agent: 'build', command: 'echo shell-said-this' })
        .expect(200);
      t.model.enqueue({ text: 'seen' });
      await t.prompt(sessionID, 'what did the shell say?');
      const sent = JSON.stringify(requestMessages(turnRequests(t.model).at(-1)!));
      expect(sent).toContain('shell-said-this');
    });

    it('is refused while a turn runs, and can be aborted', async () => {
      const sessionID = await t.createSession('shell busy');
      t.model.enqueue({ text: ['x'], hang: true });
      const answer = t.prompt(sessionID, 'hang');
      await t.waitForEvent('message.part.delta', sessionID);
      const busy = await t.http
        .post(`/session/${sessionID}/shell`)
        .send({ agent: 'build', command: 'echo no' })
        .expect(409);
      expect(busy.body.name).toBe('SessionBusyError');
      await t.http.post(`/session/${sessionID}/abort`).expect(200);
      await answer;

      const marker = `shell-abort-${process.pid}-${Date.now()}`;
      const shell = t.http
        .post(`/session/${sessionID}/shell`)
        .send({ agent: 'build', command: `sh -c 'sleep 300; : ${marker}'` })
        .then((response) => response);
      await t.waitForEvent('message.part.updated', sessionID, {
        match: (event) =>
          event.properties.part.tool === 'bash' && event.properties.part.state.status === 'running',
      });
      const deadline = Date.now() + 3000;
      while ((await processesMatching(marker, 0)).length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await t.http.post(`/session/${sessionID}/abort`).expect(200);
      const response = await shell;
      expect(response.status).toBe(200);
      expect(response.body.info.error?.name).toBe('MessageAbortedError');
      expect(response.body.parts[0].state).toMatchObject({
        status: 'error',
        metadata: { interrupted: true },
      });
      await expect(processesMatching(marker)).resolves.toEqual([]);
    });

    it('a prompt sent while a shell command runs waits for it, then is answered', async () => {
      const sessionID = await t.createSession('prompt during shell');
      const shell = t.http
        .post(`/session/${sessionID}/shell`)
        .send({ agent: 'build', command: 'sleep 0.3; echo shell-done' })
        .then((response) => response);
      await t.waitForEvent('message.part.updated', sessionID, {
        match: (event) => event.properties.part.type === 'tool',
      });
      t.model.enqueue({ text: 'after the shell' });
      const answer = await t.prompt(sessionID, 'and now?');
      expect((await shell).status).toBe(200);
      expect(answer.parts.find((part) => part.type === 'text')?.text).toBe('after the shell');
      // The model saw the shell's finished output.
      const sent = JSON.stringify(requestMessages(turnRequests(t.model).at(-1)!));
      expect(sent).toContain('shell-done');
      await t.waitForIdle(sessionID);
      const labels = t.sessionEvents(sessionID).map(eventLabel);
      expect(labels.filter((label) => label === 'session.idle')).toHaveLength(1);
    });

    it('refuses bad input: unknown session 404, unknown agent 400, missing command 400', async () => {
      await t.http
        .post('/session/ses_doesnotexist/shell')
        .send({ agent: 'build', command: 'true' })
        .expect(404);
      const sessionID = await t.createSession('shell bad');
      const agent = await t.http
        .post(`/session/${sessionID}/shell`)
        .send({ agent: 'nobody', command: 'true' })
        .expect(400);
      expect(agent.body.data.field).toBe('agent');
      const command = await t.http
        .post(`/session/${sessionID}/shell`)
        .send({ agent: 'build' })
        .expect(400);
      expect(JSON.stringify(command.body.data)).toContain('command');
      expect(await t.messages(sessionID)).toEqual([]);
    });
  });

  describe('command', () => {
    it('runs a config command with its arguments as the prompt', async () => {
      const sessionID = await t.createSession('command');
      t.model.enqueue({ text: 'reviewed' });
      const response = await t.http
        .post(`/session/${sessionID}/command`)
        .send({ command: 'review', arguments: 'src/app.ts carefully' })
        .expect(200);
      expect(response.body.info.role).toBe('assistant');
      expect(response.body.parts.find((part: { type: string }) => part.type === 'text').text).toBe(
        'reviewed',
      );
      const stored = await t.messages(sessionID);
      expect(stored[0].parts[0].text).toBe(
        'Review the file src/app.ts carefully with care. Context: src/app.ts carefully',
      );
      const sent = JSON.stringify(requestMessages(turnRequests(t.model).at(-1)!));
      expect(sent).toContain('Review the file src/app.ts carefully');
    });

    it('publishes command.executed once the turn is over, naming its answer', async () => {
      const sessionID = await t.createSession('command event');
      t.model.enqueue({ text: 'reviewed' });
      const answer = await t.http
        .post(`/session/${sessionID}/command`)
        .send({ command: 'review', arguments: ' src/a.ts  "two words" ' })
        .expect(200);
      const executed = await t.waitForEvent('command.executed', sessionID);
      expect(executed.properties).toEqual({
        name: 'review',
        sessionID,
        arguments: ' src/a.ts  "two words" ',
        messageID: (answer.body as { info: { id: string } }).info.id,
      });
      const [, stored] = await t.messages(sessionID);
      expect(stored.info).toMatchObject({ role: 'assistant', id: executed.properties.messageID });
      const events = t.sessionEvents(sessionID);
      const answered = events.findIndex(
        (event) =>
          event.type === 'message.updated' &&
          event.properties.info.id === stored.info.id &&
          event.properties.info.time.completed !== undefined,
      );
      expect(events.indexOf(executed)).toBeGreaterThan(answered);
      expect(events.filter((event) => event.type === 'command.executed')).toHaveLength(1);
    });

    it('announces /init as the init command', async () => {
      const sessionID = await t.createSession('init event');
      t.model.enqueue({ text: 'Wrote AGENTS.md.' });
      await t.http
        .post(`/session/${sessionID}/init`)
        .send({
          providerID: 'fake',
          modelID: 'fake-model',
          messageID: 'msg_ffffffffffff00command0002',
        })
        .expect(200);
      const executed = await t.waitForEvent('command.executed', sessionID);
      const answer = (await t.messages(sessionID)).find(({ info }) => info.role === 'assistant')!;
      expect(executed.properties).toEqual({
        name: 'init',
        sessionID,
        arguments: '',
        messageID: answer.info.id,
      });
    });

    it('runs a markdown command with its agent', async () => {
      const sessionID = await t.createSession('markdown command');
      t.model.enqueue({ text: 'explained' });
      await t.http
        .post(`/session/${sessionID}/command`)
        .send({ command: 'explain', arguments: 'closures' })
        .expect(200);
      const stored = await t.messages(sessionID);
      expect(stored[0].info.agent).toBe('plan');
      expect(stored[0].parts[0].text).toBe('Explain closures simply.');
      expect(stored[1].info.agent).toBe('plan');
    });

    it('an unknown command is a 404 and stores nothing', async () => {
      const sessionID = await t.createSession('unknown command');
      await t.http
        .post(`/session/${sessionID}/command`)
        .send({ command: 'nope', arguments: '' })
        .expect(404);
      expect(await t.messages(sessionID)).toEqual([]);
    });

    it('a refused command publishes no command.executed', async () => {
      const sessionID = await t.createSession('refused command');
      await t.http
        .post(`/session/${sessionID}/command`)
        .send({ command: 'nope', arguments: 'x' })
        .expect(404);
      await t.http
        .post(`/session/${sessionID}/command`)
        .send({ command: 'review', arguments: 'x', agent: 'nobody' })
        .expect(400);
      await t.http
        .post(`/session/${sessionID}/command`)
        .send({ command: 'review', arguments: 'x', model: 'fake/missing-model' })
        .expect(400);
      // A later event of the same session proves the stream got past the refusals.
      await t.http.patch(`/session/${sessionID}`).send({ title: 'after refusals' }).expect(200);
      await t.waitForEvent('session.updated', sessionID, {
        match: (event) => event.properties.info.title === 'after refusals',
      });
      expect(
        t.sessionEvents(sessionID).filter((event) => event.type === 'command.executed'),
      ).toEqual([]);
      expect(await t.messages(sessionID)).toEqual([]);
    });
  });
});
