import { connectSse, frameType } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';

describe('smoke: the app boots hermetically', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers health and streams server.connected first', async () => {
    await t.http.get('/global/health').expect(200, { healthy: true, version: t.env.version });
    const sse = connectSse(`${t.url}/event`);
    const first = await sse.waitFor(() => true);
    expect(frameType(first)).toBe('server.connected');
    sse.close();
  });
});
