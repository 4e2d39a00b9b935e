/**
 * The bare Fastify twin of `bench/pipeline.ts` (issue 13): the physical limit this server's
 * request pipeline is measured against. A plain Fastify app on the same `fastify` (the one
 * `@nestjs/platform-fastify` loads) and the same `better-sqlite3`, started with the same node
 * flags, that answers from memory the bytes this server answered once for each measured route.
 *
 * Run as a child process: `node --max-semi-space-size=4 twin.js <config.json>` (pipeline.ts
 * transpiles this file and starts it), or `npx ts-node bench/twin.ts <config.json>`. It prints
 * `twin listening on http://127.0.0.1:<port>` once ready and stops on SIGTERM.
 *
 * It imports nothing of the project (only node, fastify and better-sqlite3), so the process
 * holds no more than a bare app would.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';

/** One answer to replay: a GET of `path` (the query is ignored) answers these bytes. */
export interface TwinRoute {
  path: string;
  contentType: string;
  /** The body, base64. */
  body: string;
}

export interface TwinConfig {
  routes: TwinRoute[];
  /** The SQLite file `POST /session` inserts into (created, WAL). */
  database: string;
  /** The project fields of the session rows it creates, as this server would fill them. */
  projectID: string;
  directory: string;
}

/** The fields of a session row this server stores (src/core/storage/migrations.ts). */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS session (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    parent_id TEXT REFERENCES session (id) ON DELETE CASCADE,
    directory TEXT NOT NULL,
    path TEXT,
    title TEXT NOT NULL,
    time_created INTEGER NOT NULL,
    time_updated INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS session_project_updated ON session (project_id, time_updated DESC, id);
  CREATE INDEX IF NOT EXISTS session_parent ON session (parent_id);
`;

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  connection: 'keep-alive',
  'cache-control': 'private, no-cache, no-store, must-revalidate, max-age=0, no-transform',
  pragma: 'no-cache',
  expire: '0',
  'x-accel-buffering': 'no',
};

/** The same package the server loads: fastify as `@nestjs/platform-fastify` resolves it. */
function loadFastify(): typeof import('fastify').default {
  const nestRequire = createRequire(require.resolve('@nestjs/platform-fastify'));
  return (nestRequire('fastify') as typeof import('fastify')).default;
}

function loadSqlite(): typeof import('better-sqlite3') {
  return createRequire(__filename)('better-sqlite3') as typeof import('better-sqlite3');
}

export async function startTwin(config: TwinConfig): Promise<string> {
  const fastify = loadFastify();
  const Database = loadSqlite();
  const app = fastify();

  for (const route of config.routes) {
    const body = Buffer.from(route.body, 'base64');
    app.get(route.path, (_request, reply) => {
      void reply.header('content-type', route.contentType).send(body);
    });
  }

  // Sessions: one prepared insert into a WAL database shaped like this server's, and a JSON
  // answer shaped like a session.
  const db = new Database(config.database);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  const insert = db.prepare(
    'INSERT INTO session (id, project_id, parent_id, directory, path, title, time_created, time_updated, data) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)',
  );
  app.post<{ Body: { title?: string } | undefined }>('/session', (request, reply) => {
    const now = Date.now();
    const id = `ses_${now.toString(16)}${randomBytes(10).toString('base64url')}`;
    const title = request.body?.title ?? `New session - ${new Date(now).toISOString()}`;
    const data = JSON.stringify({
      id,
      slug: 'bench-twin',
      version: '0.1.0',
      projectID: config.projectID,
      directory: config.directory,
      path: '',
      title,
      cost: 0,
      tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
      time: { created: now, updated: now },
    });
    insert.run(id, config.projectID, config.directory, '', title, now, now, data);
    void reply.header('content-type', 'application/json; charset=utf-8').send(data);
  });

  // Events: open responses in a set; a toast is serialized once and the same bytes written to
  // every one of them.
  const streams = new Set<ServerResponse>();
  let sequence = 0;
  const frame = (type: string, properties: unknown) =>
    Buffer.from(
      `id: ${++sequence}\ndata: ${JSON.stringify({ id: `evt_${sequence}`, type, properties })}\n\n`,
    );
  app.get('/event', (_request, reply) => {
    reply.hijack();
    const response = reply.raw;
    response.socket?.setNoDelay(true);
    response.socket?.setTimeout(0);
    response.writeHead(200, SSE_HEADERS);
    response.write(frame('server.connected', {}));
    streams.add(response);
    response.once('close', () => streams.delete(response));
  });
  app.post('/tui/show-toast', (request, reply) => {
    const bytes = frame('tui.toast.show', request.body);
    for (const response of streams) response.write(bytes);
    void reply.send(true);
  });

  app.addHook('onClose', () => {
    for (const response of streams) response.destroy();
    db.close();
  });
  process.once('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });
  return app.listen({ host: '127.0.0.1', port: 0 });
}

if (require.main === module) {
  const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as TwinConfig;
  startTwin(config).then(
    (url) => process.stdout.write(`twin listening on ${url}\n`),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
