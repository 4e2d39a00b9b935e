import { startTestApp, type TestApp } from '../support/test-app';

interface ToolItem {
  id: string;
  description: string;
  parameters: { type?: string; properties?: Record<string, unknown>; required?: string[] };
}

describe('tools: GET /experimental/tool/ids and /experimental/tool', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists the ids of every built-in tool', async () => {
    const ids = (await t.http.get('/experimental/tool/ids').expect(200)).body as string[];
    expect(ids).toEqual(
      expect.arrayContaining(['bash', 'read', 'write', 'edit', 'grep', 'glob', 'list']),
    );
    expect(ids).toEqual(expect.arrayContaining(['webfetch', 'todowrite', 'todoread', 'task']));
  });

  it('describes each tool with the JSON schema of its input', async () => {
    const tools = (
      await t.http
        .get('/experimental/tool')
        .query({ provider: 'anthropic', model: 'claude-sonnet-4' })
        .expect(200)
    ).body as ToolItem[];
    const read = tools.find((tool) => tool.id === 'read')!;
    expect(read.description.length).toBeGreaterThan(20);
    expect(read.parameters.type).toBe('object');
    expect(Object.keys(read.parameters.properties ?? {})).toEqual(
      expect.arrayContaining(['filePath', 'offset', 'limit']),
    );
    expect(read.parameters.required).toEqual(['filePath']);
    // Fields with defaults stay optional for the model.
    const webfetch = tools.find((tool) => tool.id === 'webfetch')!;
    expect(webfetch.parameters.required).not.toContain('format');
    // The task tool names the subagents it can start.
    expect(tools.find((tool) => tool.id === 'task')!.description).toContain('general');
  });

  it('needs provider and model, naming the missing one', async () => {
    const missing = await t.http.get('/experimental/tool').query({ provider: 'x' }).expect(400);
    expect(missing.body).toMatchObject({ name: 'BadRequest', data: { field: 'model' } });
    await t.http.get('/experimental/tool').query({ model: 'y' }).expect(400);
  });
});
