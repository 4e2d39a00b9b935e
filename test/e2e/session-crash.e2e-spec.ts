import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { DATABASE_FILE_NAME } from '../../src/core/storage/database-files';
import type { Session } from '../../src/session/dto/session.dto';
import { spawnServer } from '../support/child-server';
import { gitRepo, tempDir } from '../support/fixtures';

const ROUNDS = 5;
const WRITERS = 4;
const SEED_TURNS = 15;

/** What one writer knows about its sessions, from acknowledged (200) answers only. */
interface WriterState {
  /** Sessions it created, with the title last acknowledged. */
  sessions: Map<string, string>;
  deleted: Set<string>;
  forks: Set<string>;
  /**
   * Requests sent but not answered when the server died, one per round: each may or may not
   * have been committed before the kill.
   */
  unanswered: WriteRequest[];
}

interface WriteRequest {
  op: 'create' | 'rename' | 'delete' | 'fork';
  id?: string;
  title?: string;
}

/**
 * One client writing sequentially (one request at a time) until the server dies: creates,
 * renames and deletes its own sessions, and forks the seeded session (a multi-row write).
 */
async function write(
  url: string,
  writer: number,
  round: number,
  state: WriterState,
  source: string,
) {
  for (let step = 0; ; step++) {
    const own = [...state.sessions.keys()].filter((id) => !state.deleted.has(id));
    const choice = step % 7;
    let request: WriteRequest;
    if (choice === 3 && own.length > 0) {
      const id = own[step % own.length];
      request = { op: 'rename', id, title: `w${writer}-r${round}-s${step}-renamed` };
    } else if (choice === 5 && own.length > 1) {
      request = { op: 'delete', id: own[0] };
    } else if (choice === 6) {
      request = { op: 'fork' };
    } else {
      request = { op: 'create', title: `w${writer}-r${round}-s${step}` };
    }
    let response: Response;
    try {
      response = await send(url, request, source);
    } catch {
      state.unanswered.push(request); // The server was killed with this request in flight.
      return;
    }
    const deletedUnanswered = state.unanswered.some(
      (earlier) => earlier.op === 'delete' && earlier.id === request.id,
    );
    if (response.status === 404 && request.id && deletedUnanswered) {
      // An earlier round's unanswered delete was committed after all.
      state.deleted.add(request.id);
      continue;
    }
    if (response.status !== 200) throw new Error(`${request.op} answered ${response.status}`);
    const body = (await response.json()) as Session | boolean;
    switch (request.op) {
      case 'create':
        state.sessions.set((body as Session).id, request.title!);
        break;
      case 'rename':
        state.sessions.set(request.id!, request.title!);
        break;
      case 'delete':
        state.deleted.add(request.id!);
        break;
      case 'fork':
        state.forks.add((body as Session).id);
        break;
    }
  }
}

function send(url: string, request: WriteRequest, source: string) {
  const json = { 'content-type': 'application/json' };
  switch (request.op) {
    case 'create':
      return fetch(`${url}/session`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ title: request.title }),
      });
    case 'rename':
      return fetch(`${url}/session/${request.id}`, {
        method: 'PATCH',
        headers: json,
        body: JSON.stringify({ title: request.title }),
      });
    case 'delete':
      return fetch(`${url}/session/${request.id}`, { method: 'DELETE' });
    case 'fork':
      return fetch(`${url}/session/${source}/fork`, { method: 'POST', headers: json, body: '{}' });
  }
}

describe('crash safety of session storage', () => {
  it('keeps everything acknowledged and stays consistent when killed -9 while writing', async () => {
    const home = tempDir('opencode-crash-home-');
    const directory = gitRepo();
    const states: WriterState[] = Array.from({ length: WRITERS }, () => ({
      sessions: new Map(),
      deleted: new Set(),
      forks: new Set(),
      unanswered: [],
    }));
    let server = await spawnServer(home, directory, { seedTurns: SEED_TURNS });
    const seeded = server.seeded!;
    const kills: number[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0) server = await spawnServer(home, directory);
      const writers = states.map((state, index) =>
        write(server.url, index, round, state, seeded.sessionID),
      );
      // Let the writers get going, then kill at a moment that varies round to round.
      const delay = 250 + ((round * 173) % 400);
      await new Promise((resolve) => setTimeout(resolve, delay));
      kills.push(delay);
      await server.kill();
      await Promise.all(writers);
    }

    // The database file is sound (WAL replayed) and no row lost its owner.
    const db = new BetterSqlite3(join(home, '.local/share/opencode', DATABASE_FILE_NAME));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }

    server = await spawnServer(home, directory);
    try {
      const listed = await fetch(`${server.url}/session?limit=100000`);
      const sessions = (await listed.json()) as Session[];
      const byId = new Map(sessions.map((session) => [session.id, session]));
      const acknowledgedForks = new Set(states.flatMap((state) => [...state.forks]));
      let acknowledged = 0;

      for (const [writer, state] of states.entries()) {
        const pending = state.unanswered;
        for (const [id, title] of state.sessions) {
          const stored = byId.get(id);
          if (state.deleted.has(id)) {
            expect(stored).toBeUndefined();
            continue;
          }
          const deleting = pending.some((request) => request.op === 'delete' && request.id === id);
          if (deleting && !stored) continue;
          expect(stored).toBeDefined();
          acknowledged++;
          const renames = pending.filter((request) => request.op === 'rename' && request.id === id);
          expect([title, ...renames.map((request) => request.title)]).toContain(stored!.title);
        }
        // Sessions no acknowledgement accounts for may only be this writer's unanswered creates.
        const prefix = new RegExp(`^w${writer}-r\\d+-s\\d+$`);
        const unknown = sessions.filter(
          (session) => prefix.test(session.title) && !state.sessions.has(session.id),
        );
        const creates = pending.filter((request) => request.op === 'create').map((r) => r.title);
        for (const session of unknown) expect(creates).toContain(session.title);
        expect(unknown.length).toBeLessThanOrEqual(creates.length);
      }
      expect(acknowledged).toBeGreaterThan(WRITERS);

      // A fork is all or nothing: every fork holds a full copy of the seeded conversation.
      const forks = sessions.filter((session) => session.title === 'seed (fork #1)');
      for (const id of acknowledgedForks) expect(byId.has(id)).toBe(true);
      expect(forks.length - acknowledgedForks.size).toBeLessThanOrEqual(WRITERS);
      for (const fork of forks) {
        const response = await fetch(`${server.url}/session/${fork.id}/message`);
        const messages = (await response.json()) as Array<{ parts: unknown[] }>;
        expect(messages).toHaveLength(seeded.messages);
        expect(messages.reduce((sum, message) => sum + message.parts.length, 0)).toBe(seeded.parts);
      }
      expect(acknowledgedForks.size).toBeGreaterThan(0);
    } finally {
      await server.kill();
    }
  }, 120_000);
});
