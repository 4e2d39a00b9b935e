import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runGit, tempDir } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * `/api` (v2) routes: the location a request works in, and the v2 error shape. Expected values
 * are what the reference (opencode 1.18.33) answers, except where a comment says otherwise.
 */
describe('v2: GET /api/health and GET /api/location', () => {
  let t: TestApp;
  let projectID: string;

  beforeAll(async () => {
    t = await startTestApp();
    projectID = runGit(t.directory, 'rev-list', '--max-parents=0', 'HEAD').trim();
  });
  afterAll(() => t.close());

  const enc = encodeURIComponent;

  it('health answers { healthy: true }', async () => {
    const res = await t.http.get('/api/health').expect(200);
    expect(res.body).toEqual({ healthy: true });
  });

  it('defaults to the server directory and its git project', async () => {
    const res = await t.http.get('/api/location').expect(200);
    expect(res.body).toEqual({
      directory: t.directory,
      project: { id: projectID, directory: t.directory },
    });
  });

  it('takes location[directory] (deepObject query) and names the project of a subdirectory', async () => {
    const sub = join(t.directory, 'sub');
    mkdirSync(sub, { recursive: true });
    const res = await t.http.get(`/api/location?location%5Bdirectory%5D=${enc(sub)}`).expect(200);
    expect(res.body).toEqual({
      directory: sub,
      project: { id: projectID, directory: t.directory },
    });
  });

  it('takes the URI-encoded x-opencode-directory header; the query wins over it', async () => {
    const other = tempDir('v2-other-');
    const byHeader = await t.http
      .get('/api/location')
      .set('x-opencode-directory', enc(other))
      .expect(200);
    expect(byHeader.body).toEqual({ directory: other, project: { id: 'global', directory: '/' } });

    const both = await t.http
      .get(`/api/location?location[directory]=${enc(t.directory)}`)
      .set('x-opencode-directory', enc(other))
      .expect(200);
    expect(both.body.directory).toBe(t.directory);
  });

  it('ignores a bare ?directory= (as the reference), but accepts what the SDK sends', async () => {
    const other = tempDir('v2-other-');
    const bare = await t.http.get(`/api/location?directory=${enc(other)}`).expect(200);
    expect(bare.body.directory).toBe(t.directory);
    // The v2 SDK's GET: `?directory=…&location[directory]=…`, the header removed.
    const sdk = await t.http
      .get(`/api/location?directory=${enc(other)}&location%5Bdirectory%5D=${enc(other)}`)
      .expect(200);
    expect(sdk.body.directory).toBe(other);
  });

  it('answers the real path of a directory reached through a symlink', async () => {
    const link = join(tempDir('v2-link-'), 'project');
    symlinkSync(t.directory, link);
    const res = await t.http.get(`/api/location?location[directory]=${enc(link)}`).expect(200);
    expect(res.body.directory).toBe(t.directory);
  });

  it('echoes a workspace id from the query or the header (no workspaces exist here)', async () => {
    const byQuery = await t.http.get('/api/location?location[workspace]=wrk_abc').expect(200);
    expect(byQuery.body).toEqual({
      directory: t.directory,
      workspaceID: 'wrk_abc',
      project: { id: projectID, directory: t.directory },
    });
    const byHeader = await t.http
      .get('/api/location')
      .set('x-opencode-workspace', 'wrk_h')
      .expect(200);
    expect(byHeader.body.workspaceID).toBe('wrk_h');
  });

  // Deliberate difference: the reference answers a 500 UnknownError for all of these.
  it('refuses a directory that does not exist with a 400 naming the field', async () => {
    const missing = join(t.directory, 'no-such-dir');
    const byQuery = await t.http
      .get(`/api/location?location[directory]=${enc(missing)}`)
      .expect(400);
    expect(byQuery.body).toEqual({
      _tag: 'InvalidRequestError',
      message: `Directory does not exist: ${missing}`,
      kind: 'Query',
      field: 'location[directory]',
    });
    const byHeader = await t.http
      .get('/api/location')
      .set('x-opencode-directory', enc(missing))
      .expect(400);
    expect(byHeader.body).toMatchObject({
      _tag: 'InvalidRequestError',
      kind: 'Headers',
      field: 'x-opencode-directory',
    });
  });

  it('refuses a file as the directory, a workspace id without wrk, and a repeated key', async () => {
    const file = join(t.directory, 'README.md');
    const notDir = await t.http.get(`/api/location?location[directory]=${enc(file)}`).expect(400);
    expect(notDir.body).toMatchObject({
      _tag: 'InvalidRequestError',
      field: 'location[directory]',
    });
    const badWorkspace = await t.http.get('/api/location?location[workspace]=abc').expect(400);
    expect(badWorkspace.body).toMatchObject({
      _tag: 'InvalidRequestError',
      kind: 'Query',
      field: 'location[workspace]',
    });
    const repeated = await t.http
      .get(`/api/location?location[directory]=${enc(t.directory)}&location[directory]=%2Ftmp`)
      .expect(400);
    expect(repeated.body).toMatchObject({
      _tag: 'InvalidRequestError',
      field: 'location[directory]',
    });
  });

  it('uses the same instance as the classic routes for the same directory', async () => {
    const v2 = await t.http.get('/api/location').expect(200);
    const classic = await t.http.get('/project/current').expect(200);
    expect(v2.body.project.id).toBe(classic.body.id);
    expect(v2.body.project.directory).toBe(classic.body.worktree);
  });
});
