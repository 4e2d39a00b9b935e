import { Inject, Injectable, Logger } from '@nestjs/common';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type * as NodePty from 'node-pty';
import { BusService } from '../core/bus/bus.service';
import { AppEnvironment } from '../core/config/app-environment';
import { PluginHooks } from '../core/plugin/plugin-hooks';
import { ServerOptions } from '../core/config/server-options';
import { SERVER_OPTIONS } from '../core/core.module';
import { errorMessage } from '../core/errors/error-message';
import { BadRequestError, ForbiddenPathError } from '../core/errors/named-error';
import { findExecutable, type ExecutableLookup } from '../core/executable';
import { locateInProject } from '../core/fs/jail';
import { createOriginPolicy } from '../core/http/cors';
import { IdGenerator } from '../core/id';
import type { Instance } from '../core/instance/instance';
import { lazyRequire } from '../core/lazy-require';
import { ConfigService } from '../config/config.service';
import type { PtyCreateDto, PtyShellDto, PtyUpdateDto } from './dto/pty.dto';
import { listShells, preferredShell, terminalArgs } from './engine/shells';
import {
  Terminal,
  type Attachment,
  type TerminalClient,
  type TerminalInfo,
} from './engine/terminal';
import { TicketStore, type TicketScope } from './engine/tickets';
import { PtyForbiddenError, PtyNotFoundError } from './pty.errors';

/**
 * How a route sees the terminals of a directory. The reference keeps two stores: its classic
 * routes forget a terminal when its program exits, its `/api` routes keep it (with its exit code)
 * until it is removed. Here one store serves both, and `classic` hides the exited ones, so each
 * route set answers as the reference's does and a terminal made through one is seen by both.
 */
export type PtyView = 'classic' | 'v2';

/** The request header a connect-token request must carry (a browser must preflight it). */
export const TICKET_HEADER = 'x-opencode-ticket';
/** Lifetime of a connect ticket (the reference's). */
const TICKET_TTL_MS = 60_000;
/** Live tickets at most (the reference's capacity). */
const TICKET_CAPACITY = 10_000;
/**
 * Exited terminals kept per directory for `/api` clients to read their exit code. Deliberate
 * difference: the reference keeps them until removed, so a client that never removes them (any
 * classic one, which never sees them) would grow the list for the server's lifetime.
 */
const MAX_EXITED_KEPT = 100;
/** Size of a new terminal until a client says its own. */
const DEFAULT_COLUMNS = 80;
const DEFAULT_ROWS = 24;

const nodePty = lazyRequire<typeof NodePty>('node-pty');
const TERMINALS = Symbol('pty.terminals');

/** Where a request for a terminal came from, for the origin and ticket checks. */
export interface PtyRequestOrigin {
  origin?: string;
  host?: string;
}

/**
 * Pseudo-terminals per directory (the `/pty` and `/api/pty` routes): real PTYs running the
 * user's shell or a program, their output kept for late clients, streamed to WebSockets
 * (`PtySocketGateway`), and connect tickets for browsers. Terminals end with their directory's
 * instance (`POST /instance/dispose`, server shutdown).
 */
@Injectable()
export class PtyService {
  private readonly logger = new Logger(PtyService.name);
  private readonly tickets = new TicketStore(TICKET_TTL_MS, TICKET_CAPACITY);
  private readonly isAllowedOrigin: (origin: string | undefined) => boolean;

  constructor(
    private readonly bus: BusService,
    private readonly ids: IdGenerator,
    private readonly config: ConfigService,
    private readonly env: AppEnvironment,
    @Inject(SERVER_OPTIONS) server: ServerOptions,
    private readonly plugins: PluginHooks,
  ) {
    this.isAllowedOrigin = createOriginPolicy(server.cors);
  }

  list(instance: Instance, view: PtyView): TerminalInfo[] {
    return [...this.terminals(instance).values()]
      .filter((terminal) => view === 'v2' || terminal.running)
      .map((terminal) => ({ ...terminal.info }));
  }

  get(instance: Instance, id: string, view: PtyView): TerminalInfo {
    return { ...this.find(instance, id, view).info };
  }

  shells(instance: Instance): Promise<PtyShellDto[]> {
    return listShells(this.lookup(instance));
  }

  async create(instance: Instance, input: PtyCreateDto): Promise<TerminalInfo> {
    const lookup = this.lookup(instance);
    const command = input.command
      ? await this.program(input.command, lookup)
      : await preferredShell(
          [(await this.config.get(instance)).shell, this.env.variables.SHELL],
          lookup,
        );
    const cwd = await this.workingDirectory(instance, input.cwd);
    const { env: pluginEnv } = await this.plugins.trigger(
      instance,
      'shell.env',
      { cwd },
      {
        env: {},
      },
    );
    const args = terminalArgs(command, input.args ?? []);
    const id = this.ids.ascending('pty');
    let process: NodePty.IPty;
    try {
      process = nodePty().spawn(command, args, {
        name: 'xterm-256color',
        cols: DEFAULT_COLUMNS,
        rows: DEFAULT_ROWS,
        cwd,
        // The server's environment, as the bash tool's commands get it, then the caller's,
        // then what says this is opencode's terminal (as the reference).
        env: this.environment({ ...pluginEnv, ...input.env }),
      });
    } catch (error) {
      throw new BadRequestError(
        `Cannot start ${command}: ${errorMessage(error)}`,
        'Body',
        'command',
      );
    }
    const info: TerminalInfo = {
      id,
      title: input.title || `Terminal ${id.slice(-4)}`,
      command,
      args,
      cwd,
      status: 'running',
      pid: process.pid,
    };
    const terminals = this.terminals(instance);
    const terminal = new Terminal(info, process, (exitCode) => {
      this.bus.publish(instance, 'pty.exited', { id, exitCode });
      this.forgetOldExited(terminals);
    });
    terminals.set(id, terminal);
    this.logger.debug(`terminal ${id} started: ${command} in ${cwd}`);
    this.bus.publish(instance, 'pty.created', { info: { ...info } });
    return { ...info };
  }

  update(instance: Instance, id: string, input: PtyUpdateDto, view: PtyView): TerminalInfo {
    const terminal = this.find(instance, id, view);
    // An empty title is ignored, as by the reference.
    if (input.title) terminal.info.title = input.title;
    if (input.size) terminal.resize(input.size.cols, input.size.rows);
    this.bus.publish(instance, 'pty.updated', { info: { ...terminal.info } });
    return { ...terminal.info };
  }

  /** Ends the terminal's processes (the whole session) and forgets it. */
  async remove(instance: Instance, id: string, view: PtyView): Promise<void> {
    const terminal = this.find(instance, id, view);
    this.terminals(instance).delete(id);
    this.bus.publish(instance, 'pty.deleted', { id });
    await terminal.terminate('removed');
  }

  /**
   * A ticket for one WebSocket connection to the terminal, in place of credentials. The request
   * must carry `x-opencode-ticket: 1`, a custom header, so that a browser page of another origin
   * cannot ask without a CORS preflight, which it would not pass; and an `Origin`, when there is
   * one, must be the server's own or one the CORS policy allows.
   */
  issueTicket(
    instance: Instance,
    id: string,
    view: PtyView,
    workspaceID: string | undefined,
    request: PtyRequestOrigin & { ticketHeader?: string | string[] },
  ): { ticket: string; expires_in: number } {
    if (request.ticketHeader !== '1' || this.isForeignOrigin(request)) {
      throw new PtyForbiddenError('Invalid PTY connect token request');
    }
    this.find(instance, id, view);
    const ticket = this.tickets.issue(this.scope(instance, id, workspaceID));
    return { ticket, expires_in: this.tickets.expiresIn };
  }

  /**
   * Lets a connect request in, before its WebSocket upgrade (after auth): a foreign page's
   * origin is refused whatever the credentials (a browser sends stored basic credentials with a
   * WebSocket of any page), a ticket must be live and this terminal's (it is then used up), and
   * the terminal must exist. Deliberate difference: the ticket is checked before the terminal is
   * looked up, so a caller without credentials cannot learn which ids exist; the reference
   * answers 404 for an unknown id first.
   */
  admit(
    instance: Instance,
    id: string,
    view: PtyView,
    workspaceID: string | undefined,
    request: PtyRequestOrigin & { ticket?: string },
  ): void {
    if (this.isForeignOrigin(request)) {
      throw new PtyForbiddenError('Cross-origin PTY connection refused');
    }
    if (
      request.ticket !== undefined &&
      !this.tickets.consume(request.ticket, this.scope(instance, id, workspaceID))
    ) {
      throw new PtyForbiddenError('Invalid or expired PTY connect ticket');
    }
    this.find(instance, id, view);
  }

  /** A plain GET of the connect route: the terminal exists, but only a WebSocket can connect. */
  refusePlainConnect(instance: Instance, id: string, view: PtyView): never {
    this.find(instance, id, view);
    throw new BadRequestError('Expected a WebSocket upgrade request', 'Headers', 'upgrade');
  }

  /**
   * Attaches a WebSocket's client from `cursor` on; undefined when the terminal is gone or has
   * exited (removed or ended between the admission and the upgrade, or an exited one `/api`
   * still lists).
   */
  attach(
    instance: Instance,
    id: string,
    client: TerminalClient,
    cursor: number,
  ): (Attachment & { write(data: string): void }) | undefined {
    const terminal = this.terminals(instance).get(id);
    if (!terminal?.running) return undefined;
    return { ...terminal.attach(client, cursor), write: (data) => terminal.write(data) };
  }

  private find(instance: Instance, id: string, view: PtyView): Terminal {
    const terminal = this.terminals(instance).get(id);
    if (!terminal || (view === 'classic' && !terminal.running)) throw new PtyNotFoundError(id);
    return terminal;
  }

  private terminals(instance: Instance): Map<string, Terminal> {
    return instance.getOrCreate(
      TERMINALS,
      () => new Map<string, Terminal>(),
      async (terminals) => {
        const all = [...terminals.values()];
        terminals.clear();
        await Promise.all(all.map((terminal) => terminal.terminate('disposed')));
      },
    );
  }

  private forgetOldExited(terminals: Map<string, Terminal>): void {
    const exited = [...terminals.values()].filter((terminal) => !terminal.running);
    for (const terminal of exited.slice(0, Math.max(0, exited.length - MAX_EXITED_KEPT))) {
      terminals.delete(terminal.info.id);
    }
  }

  private scope(instance: Instance, ptyID: string, workspaceID: string | undefined): TicketScope {
    return { ptyID, directory: instance.directory, workspaceID };
  }

  /** An `Origin` that is neither this server's own nor one the CORS policy allows. */
  private isForeignOrigin({ origin, host }: PtyRequestOrigin): boolean {
    if (origin === undefined || this.isAllowedOrigin(origin)) return false;
    try {
      return new URL(origin).host !== host;
    } catch {
      return true;
    }
  }

  private lookup(instance: Instance): ExecutableLookup {
    return {
      directory: instance.directory,
      worktree: instance.worktree,
      path: this.env.variables.PATH,
    };
  }

  /**
   * The program asked for, found now rather than by the child: node-pty reports a missing one
   * only as a child that exits at once. Deliberate difference: the reference answers a 500.
   */
  private async program(command: string, lookup: ExecutableLookup): Promise<string> {
    const found = await findExecutable(command, lookup);
    if (!found) {
      throw new BadRequestError(`No such program: ${command}`, 'Body', 'command');
    }
    return command.includes('/') ? found : command;
  }

  /**
   * The directory to start in: the instance directory, or `cwd` relative to it. Deliberate
   * differences: the reference starts in whatever it is given (a missing directory, a relative
   * path taken from the server's own directory); here it must be an existing directory of the
   * project (400, 403).
   */
  private async workingDirectory(instance: Instance, cwd: string | undefined): Promise<string> {
    if (cwd === undefined) return instance.directory;
    const absolute = resolve(instance.directory, cwd);
    const location = await locateInProject(instance, absolute);
    if (!location.inside) throw new ForbiddenPathError(cwd);
    const info = await stat(absolute).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new BadRequestError(`Not a directory: ${cwd}`, 'Body', 'cwd');
    }
    return absolute;
  }

  private environment(extra: Record<string, string> | undefined): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...this.env.variables, ...extra })) {
      if (value !== undefined) env[key] = value;
    }
    env.TERM = 'xterm-256color';
    env.OPENCODE_TERMINAL = '1';
    return env;
  }
}
