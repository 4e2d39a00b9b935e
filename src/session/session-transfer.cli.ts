import { Logger } from '@nestjs/common';
import { readFile, realpath } from 'node:fs/promises';
import { EOL } from 'node:os';
import pino from 'pino';
import { AppEnvironment } from '../core/config/app-environment';
import { BadRequestError } from '../core/errors/named-error';
import { IdGenerator } from '../core/id';
import { detectProject } from '../core/instance/project-detector';
import { ProjectRepository } from '../core/instance/project.repository';
import { PinoLoggerService } from '../core/logging/pino-logger.service';
import { DatabaseService } from '../core/storage/database.service';
import { SqliteMessageRepository } from './message.repository';
import { SessionTransfer } from './session-transfer';
import { SqliteSessionRepository } from './session.repository';

/*
 * `opencode export` and `opencode import`, as the reference's CLI: they work on the data
 * directory's database directly (no server, no Nest application), so they start in a few tens
 * of milliseconds and work whether a server runs or not (SQLite's WAL lets both write).
 */

interface Opened {
  transfer: SessionTransfer;
  db: DatabaseService;
  projects: ProjectRepository;
}

async function withTransfer<T>(work: (opened: Opened) => Promise<T>): Promise<T> {
  // Log lines (a migration, an unwritable data directory) go to stderr: stdout is the export.
  Logger.overrideLogger(new PinoLoggerService(pino({ level: 'warn' }, pino.destination(2))));
  const env = new AppEnvironment();
  const db = new DatabaseService(env);
  try {
    // The server would carry on in memory; a command working on nothing must say so instead.
    if (!db.persistent) throw new Error(`Cannot open the database in ${env.paths.data}`);
    const transfer = new SessionTransfer(
      db,
      new SqliteSessionRepository(db),
      new SqliteMessageRepository(db),
      new IdGenerator(),
      env.version,
    );
    return await work({ transfer, db, projects: new ProjectRepository(db) });
  } finally {
    db.onApplicationShutdown();
  }
}

/** The project of the working directory, recorded as a server would on its first request. */
async function currentProject(projects: ProjectRepository) {
  const directory = await realpath(process.cwd());
  const project = await detectProject(directory);
  projects.touch(project);
  return { projectID: project.id, directory, worktree: project.worktree };
}

/**
 * Prints the session as JSON (two-space indented, as the reference). Without an id: the most
 * recently updated session of the working directory's project. Deliberate difference: the
 * reference asks which session in an interactive list; a script cannot answer it, and "the
 * latest" is what that list puts first.
 */
export async function exportSession(sessionID: string | undefined): Promise<void> {
  process.stderr.write(`Exporting session: ${sessionID ?? 'latest'}${EOL}`);
  const json = await withTransfer(async ({ transfer, projects }) => {
    const id = sessionID ?? transfer.latest((await currentProject(projects)).projectID);
    if (!id) throw new Error('No sessions found');
    return transfer.exportJson(id);
  });
  process.stdout.write(JSON.stringify(JSON.parse(json), null, 2) + EOL);
}

/**
 * Imports an export file into the working directory's project, with the rules of
 * `POST /session/import`. Deliberate differences: an id already stored is refused instead of
 * moved into this project, and share URLs are not fetched (there is no share service here to
 * trust); export the session where it lives and import the file.
 */
export async function importSession(file: string): Promise<void> {
  if (/^https?:\/\//.test(file)) {
    throw new Error('Importing from a share URL is not supported; import an exported JSON file');
  }
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new Error(`File not found: ${file}`);
    throw new Error(`Failed to read file: ${error.message}`);
  });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new Error(`Invalid JSON in ${file}: ${(error as Error).message}`);
  }
  const imported = await withTransfer(async ({ transfer, projects }) => {
    try {
      return await transfer.importSession(await currentProject(projects), body);
    } catch (error) {
      if (error instanceof BadRequestError) {
        throw new Error(`Invalid session data in ${file}: ${error.data.message}`);
      }
      throw error;
    }
  });
  process.stdout.write(`Imported session: ${imported.session.id}${EOL}`);
}
