#!/usr/bin/env -S node --max-semi-space-size=4
import { errorMessage } from './core/errors/error-message';
import { Command, InvalidArgumentError, Option } from 'commander';
import { openBrowser } from './core/browser';
import type { Logger } from 'pino';
import { AppEnvironment, LOG_LEVELS, parseLogLevel } from './core/config/app-environment';
import { DEFAULT_SERVER_OPTIONS, ServerOptions } from './core/config/server-options';
import type { MdnsPublication } from './core/http/mdns';
import { WEB_CLIENT_PATH } from './core/http/web-client';
import { LogSink } from './core/logging/log-sink';
import { createPinoLogger } from './core/logging/pino-logger.service';
import { createApp, DOC_UI_PATH } from './main';

/** Longest a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 4_000;
/**
 * The last log lines get what is left of the grace, but at least this long, to reach the log
 * sink; a sink that does not read by then loses them (the process still ends within 5 s).
 */
const LOG_FLUSH_MIN_MS = 250;

export interface ServeFlags {
  port: number;
  hostname?: string;
  mdns: boolean;
  mdnsDomain: string;
  cors: string[];
  allowDir?: string[];
  logLevel?: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new InvalidArgumentError('must be an integer from 0 to 65535.');
  return port;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function addServerOptions(command: Command): Command {
  return (
    command
      .addOption(
        new Option('--port <number>', 'port to listen on (0 picks a free one)')
          .default(DEFAULT_SERVER_OPTIONS.port)
          .argParser(parsePort),
      )
      // No commander default: whether --hostname was given decides what --mdns listens on, and
      // commander prints no default for an option whose default value is undefined.
      .addOption(
        new Option(
          '--hostname <string>',
          `hostname to listen on (default: ${DEFAULT_SERVER_OPTIONS.hostname}, or 0.0.0.0 with --mdns)`,
        ),
      )
      .addOption(
        new Option(
          '--mdns',
          'publish the server with mDNS (listens on 0.0.0.0 unless --hostname is given)',
        ).default(false),
      )
      .addOption(
        new Option('--mdns-domain <string>', 'custom domain name for the mDNS service').default(
          DEFAULT_SERVER_OPTIONS.mdnsDomain,
        ),
      )
      .addOption(
        new Option('--cors <origin>', 'additional browser origin to allow (repeatable)')
          .default([], '[]')
          .argParser(collect),
      )
      .addOption(
        new Option(
          '--allow-dir <path>',
          'serve only projects inside this directory (repeatable; added to $OPENCODE_ALLOWED_DIRECTORIES)',
        )
          .default([], '[]')
          .argParser(collect),
      )
      .addOption(
        new Option(
          '--log-level <level>',
          'log level (default: $OPENCODE_LOG_LEVEL, else info)',
        ).choices(LOG_LEVELS),
      )
  );
}

/**
 * The server options the flags ask for. Peers on the network cannot reach a loopback address, so
 * `--mdns` without `--hostname` listens on every interface.
 */
export function resolveServerOptions(flags: ServeFlags): ServerOptions {
  return {
    ...DEFAULT_SERVER_OPTIONS,
    port: flags.port,
    hostname: flags.hostname ?? (flags.mdns ? '0.0.0.0' : DEFAULT_SERVER_OPTIONS.hostname),
    mdns: flags.mdns,
    mdnsDomain: flags.mdnsDomain,
    cors: flags.cors,
    allowedDirectories: flags.allowDir ?? [],
  };
}

async function serve(flags: ServeFlags, web: boolean): Promise<void> {
  const env = new AppEnvironment();
  const logLevel = parseLogLevel(flags.logLevel) ?? env.logLevel;
  const logSink = new LogSink();
  const logger = createPinoLogger(logLevel, logSink);
  const server = resolveServerOptions(flags);
  const app = await createApp({ env, server, logger });
  await app.listen(server.port, server.hostname);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : server.port;
  const url = `http://${server.hostname}:${port}`;
  process.stdout.write(`opencode server listening on ${url}\n`);
  let mdns: MdnsPublication | undefined;
  if (server.mdns) {
    // Loaded only when asked for: bonjour-service and its DNS packet code would cost every other
    // server start ~5 ms and 0.3 MB for nothing.
    const { isLoopbackHost, publishMdns } = await import('./core/http/mdns');
    if (isLoopbackHost(server.hostname)) {
      // As the reference: a loopback-only server is not announced to a network that cannot
      // reach it.
      logger.warn({ hostname: server.hostname }, 'mDNS enabled but hostname is loopback; skipping');
    } else {
      mdns = publishMdns(port, server.mdnsDomain, logger);
    }
  }
  if (web) announceWebClient(url, env.canOpenBrowser, logger);
  handleShutdownSignals(() => app.close(), mdns, logger, logSink);
}

/**
 * `opencode web`: the browser client at `/` is what it opens; the API browser's address is
 * printed too, for people who came for Swagger UI.
 */
function announceWebClient(url: string, canOpenBrowser: boolean, logger: Logger): void {
  const base = url.replace('0.0.0.0', '127.0.0.1');
  const clientUrl = `${base}${WEB_CLIENT_PATH}`;
  process.stdout.write(`Web interface: ${clientUrl}\n`);
  process.stdout.write(`API browser: ${base}${DOC_UI_PATH}/\n`);
  if (!canOpenBrowser) return;
  openBrowser(clientUrl).catch((error: unknown) =>
    logger.warn({ err: String(error) }, 'could not open a browser'),
  );
}

function handleShutdownSignals(
  close: () => Promise<void>,
  mdns: MdnsPublication | undefined,
  logger: Logger,
  logSink: LogSink,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    logger.info({ signal }, 'shutting down');
    let exiting = false;
    // Logs are written asynchronously: exit once the last lines are out, or once the sink has had
    // its time (a log collector that stopped reading must not keep the process alive).
    const exit = () => {
      if (exiting) return;
      exiting = true;
      logSink.close(Math.max(deadline - Date.now(), LOG_FLUSH_MIN_MS), () => process.exit(0));
    };
    setTimeout(() => {
      if (exiting) return;
      logger.warn('shutdown took too long; exiting');
      exit();
    }, SHUTDOWN_GRACE_MS).unref();
    void Promise.allSettled([mdns?.unpublish(), close()]).then((results) => {
      for (const result of results) {
        if (result.status === 'rejected')
          logger.error({ err: String(result.reason) }, 'shutdown step failed');
      }
      logger.info('stopped');
      exit();
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

export function buildCli(): Command {
  const program = new Command('opencode')
    .description('opencode server: drive an AI coding agent over HTTP')
    .showHelpAfterError(false)
    .exitOverride();
  addServerOptions(program.command('serve').description('start a headless opencode server')).action(
    (flags: ServeFlags) => serve(flags, false),
  );
  addServerOptions(
    program
      .command('web')
      .description('start the server and open its browser client (the API browser is at /doc)'),
  ).action((flags: ServeFlags) => serve(flags, true));
  // Loaded when run: neither command's code (nor the database) is needed to serve.
  program
    .command('export')
    .description('export session data as JSON (to stdout)')
    .argument('[sessionID]', 'session id to export (default: the latest of this project)')
    .action(async (sessionID?: string) =>
      (await import('./session/session-transfer.cli')).exportSession(sessionID),
    );
  program
    .command('import')
    .description("import session data from a JSON file into this directory's project")
    .argument('<file>', 'path to a JSON file written by opencode export')
    .action(async (file: string) =>
      (await import('./session/session-transfer.cli')).importSession(file),
    );
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildCli();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    // commander has already printed its one-line message (or the help text, exit code 0).
    if (typeof code === 'number') process.exit(code);
    process.stderr.write(`opencode: ${errorMessage(error)}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main(process.argv);
