/** How the HTTP server was asked to run (CLI flags of `opencode serve`). */
export interface ServerOptions {
  port: number;
  hostname: string;
  mdns: boolean;
  mdnsDomain: string;
  cors: string[];
  /**
   * `--allow-dir`, as given: with these and `OPENCODE_ALLOWED_DIRECTORIES` (AppEnvironment) the
   * server serves only projects inside one of them. Both empty: every directory.
   */
  allowedDirectories: string[];
  /**
   * Period of the `server.heartbeat` SSE frames. Not a CLI flag: it is an option so tests can
   * shorten it instead of waiting on real time.
   */
  heartbeatIntervalMs: number;
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  port: 4096,
  hostname: '127.0.0.1',
  mdns: false,
  mdnsDomain: 'opencode.local',
  cors: [],
  allowedDirectories: [],
  heartbeatIntervalMs: 10_000,
};
