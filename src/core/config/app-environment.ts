import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** The global directories of the reference's `Path` (XDG base directories + `opencode/`). */
export interface GlobalPaths {
  home: string;
  /** Config files (`opencode.json`, `agent/`, `command/`). */
  config: string;
  /** Durable data: the SQLite database, `auth.json`. */
  data: string;
  /** Reported as `state` by `GET /path`. */
  state: string;
  cache: string;
}

/**
 * Everything the server reads from the process environment, read once at start-up.
 * This is the only place that touches `process.env`; the rest of the code is given this object.
 */
export class AppEnvironment {
  readonly version: string;
  readonly paths: GlobalPaths;
  readonly serverUsername: string;
  /** Basic-auth password; when absent, the server is open (as the reference). */
  readonly serverPassword: string | undefined;
  /**
   * `OPENCODE_SERVER_TOKENS` (comma-separated): bearer tokens accepted beside the password, or
   * instead of it. Empty entries and the spaces around each are dropped.
   */
  readonly serverTokens: readonly string[];
  readonly logLevel: LogLevelName;
  /** The directory the server was started in: the project when a request names none. */
  readonly defaultDirectory: string;
  /** Extra config layers, as the reference's `OPENCODE_CONFIG` / `OPENCODE_CONFIG_CONTENT`. */
  readonly configFile: string | undefined;
  readonly configContent: string | undefined;
  /**
   * Whether the server may open a browser on this machine (`opencode web`, an MCP login): a
   * graphical session is present and `BROWSER=none` does not turn it off.
   */
  readonly canOpenBrowser: boolean;
  /**
   * `OPENCODE_OAUTH_HOSTS`: a JSON object mapping the hosts of provider logins (`github.com`,
   * `auth.openai.com`, ...) to base URLs that replace them (tests point them at fakes on
   * 127.0.0.1). An env var rather than config on purpose: a cloned project's config must not be
   * able to redirect logins and their codes to another server. Malformed JSON counts as empty.
   */
  readonly oauthHosts: Readonly<Record<string, string>>;
  /**
   * `OPENCODE_OAUTH_LOOPBACK_PORT`: the port of every login's local redirect receiver instead of
   * the one its provider registered (1455, 1456, 8080, ...); `0` takes a free one (tests).
   */
  readonly oauthLoopbackPort: number | undefined;
  /**
   * `OPENCODE_SHARE_URL`: the base URL of the share service when config `enterprise.url` names
   * none (tests point it at a fake server on 127.0.0.1).
   */
  readonly shareUrl: string | undefined;
  /**
   * Where the models.dev catalog is refreshed from: `OPENCODE_MODELS_URL` (its `/api.json`), by
   * default the host the reference fetches it from.
   */
  readonly modelsUrl: string;
  /** `OPENCODE_MODELS_PATH`: a models.dev `api.json` to read instead of the cached copy. */
  readonly modelsPath: string | undefined;
  /** `OPENCODE_DISABLE_MODELS_FETCH`: never fetch the catalog (offline, tests). */
  readonly disableModelsFetch: boolean;
  /** `OPENCODE_ALLOWED_DIRECTORIES` (`:`-separated, as `PATH`), beside `serve --allow-dir`. */
  readonly allowedDirectories: readonly string[];
  /** The raw environment, for features that look variables up by name (provider API keys). */
  readonly variables: Readonly<Record<string, string | undefined>>;

  constructor(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()) {
    const home = env.HOME || homedir();
    const xdg = (name: string, fallback: string) =>
      join(env[name] || join(home, fallback), 'opencode');
    this.paths = {
      home,
      config: xdg('XDG_CONFIG_HOME', '.config'),
      data: xdg('XDG_DATA_HOME', '.local/share'),
      state: xdg('XDG_STATE_HOME', '.local/state'),
      cache: xdg('XDG_CACHE_HOME', '.cache'),
    };
    this.version = readPackageVersion();
    this.serverUsername = env.OPENCODE_SERVER_USERNAME || 'opencode';
    this.serverPassword = env.OPENCODE_SERVER_PASSWORD || undefined;
    this.serverTokens = (env.OPENCODE_SERVER_TOKENS ?? '')
      .split(',')
      .map((token) => token.trim())
      .filter((token) => token.length > 0);
    this.logLevel = parseLogLevel(env.OPENCODE_LOG_LEVEL ?? env.LOG_LEVEL) ?? 'info';
    this.defaultDirectory = cwd;
    this.configFile = env.OPENCODE_CONFIG || undefined;
    this.configContent = env.OPENCODE_CONFIG_CONTENT || undefined;
    // Linux needs X11 or Wayland for a browser; macOS and Windows always have a desktop.
    const hasDisplay = process.platform !== 'linux' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
    this.canOpenBrowser = hasDisplay && env.BROWSER !== 'none';
    this.oauthHosts = parseStringRecord(env.OPENCODE_OAUTH_HOSTS);
    const loopbackPort = Number(env.OPENCODE_OAUTH_LOOPBACK_PORT || Number.NaN);
    this.oauthLoopbackPort =
      Number.isInteger(loopbackPort) && loopbackPort >= 0 && loopbackPort < 65536
        ? loopbackPort
        : undefined;
    this.shareUrl = env.OPENCODE_SHARE_URL || undefined;
    this.modelsUrl = env.OPENCODE_MODELS_URL || DEFAULT_MODELS_URL;
    this.modelsPath = env.OPENCODE_MODELS_PATH || undefined;
    this.disableModelsFetch = flag(env.OPENCODE_DISABLE_MODELS_FETCH);
    this.allowedDirectories = (env.OPENCODE_ALLOWED_DIRECTORIES ?? '')
      .split(':')
      .filter((path) => path.length > 0);
    this.variables = { ...env };
  }
}

/** A JSON object of strings; anything else (absent, malformed, other values) reads as `{}`. */
function parseStringRecord(value: string | undefined): Record<string, string> {
  if (!value) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  } catch {
    return {};
  }
}

/** The reference's catalog host (it serves models.dev's `api.json`). */
export const DEFAULT_MODELS_URL = 'https://models.opencode.ai';

/** A boolean variable as the reference reads them: `true` or `1`, in any case. */
function flag(value: string | undefined): boolean {
  const lower = value?.toLowerCase();
  return lower === 'true' || lower === '1';
}

export function parseLogLevel(value: string | undefined): LogLevelName | undefined {
  const lower = value?.toLowerCase();
  return LOG_LEVELS.find((level) => level === lower);
}

/**
 * The version of the nearest `package.json` above this file: three levels up from both
 * `src/core/config` and `dist/core/config`, but searched for so that a build in another
 * directory (or a bundler flattening the tree) still finds it.
 */
function readPackageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const raw = readFileSync(join(dir, 'package.json'), 'utf8');
      return (JSON.parse(raw) as { version: string }).version;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}
