import { startAgentTestApp } from '../support/agent-app';
import { spawnServer } from '../support/child-server';
import { startFakeModelServer } from '../support/fake-model-server';
import { gitRepo, tempDir } from '../support/fixtures';
import { connectSse } from '../support/sse-client';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('/api session log after a crash mid-turn', () => {
  it('closes the step the killed server left open, and the next turn goes on from there', async () => {
    const home = tempDir('opencode-home-');
    const directory = gitRepo();
    const model = await startFakeModelServer();
    const server = await spawnServer(home, directory, {
      config: {
        provider: {
          fake: {
            npm: '@ai-sdk/openai-compatible',
            name: 'Fake',
            options: { baseURL: model.url, apiKey: 'test-key' },
            models: { 'fake-model': { name: 'Fake Model' } },
          },
        },
        model: 'fake/fake-model',
      },
    });
    let restarted: Awaited<ReturnType<typeof startAgentTestApp>> | undefined;
    try {
      model.enqueue({ text: 'half an answ', hang: true });
      const created = await fetch(`${server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ location: { directory } }),
      });
      const id = ((await created.json()) as any).data.id as string;
      const events = connectSse(`${server.url}/api/session/${id}/event`);
      await fetch(`${server.url}/api/session/${id}/prompt`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: { text: 'Start something long' } }),
      });
      await events.waitFor((frame) => (frame.data as any).type === 'session.next.text.started');
      events.close();
      await server.kill();

      restarted = await startAgentTestApp({ home, directory });
      const history = await restarted.http.get(`/api/session/${id}/history`).expect(200);
      const types = (history.body.data as any[]).map((e) => e.type.replace('session.next.', ''));
      expect(types).toEqual([
        'prompt.admitted',
        'prompted',
        'step.started',
        'text.started',
        'step.failed',
      ]);
      const failed = (history.body.data as any[]).at(-1);
      expect(failed.data.error).toEqual({
        type: 'unknown',
        message: 'Interrupted: the server stopped during the step',
      });
      const messages = await restarted.http.get(`/api/session/${id}/message?order=asc`).expect(200);
      expect(messages.body.data[1]).toMatchObject({ type: 'assistant', error: failed.data.error });

      restarted.model.enqueue({ text: 'Back again.' });
      await restarted.http
        .post(`/api/session/${id}/prompt`)
        .send({ prompt: { text: 'Go on' } })
        .expect(200);
      await restarted.http.post(`/api/session/${id}/wait`).expect(204);
      const after = await restarted.http.get(`/api/session/${id}/history?after=5`).expect(200);
      expect((after.body.data as any[]).map((e) => e.durable.seq)).toEqual([6, 7, 8, 9, 10, 11]);
    } finally {
      if (server.process.exitCode === null) await server.kill();
      await restarted?.close();
      await model.close();
    }
  });
});
