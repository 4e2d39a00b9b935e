/** How the HTTP server was asked to run (CLI flags of `opencode serve`). */
export interface ServerOptions {
  port: number;
  hostname: string;
  mdns: boolean;
  mdnsDomain: string;
  cors: string[];
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  port: 4096,
  hostname: '127.0.0.1',
  mdns: false,
  mdnsDomain: 'opencode.local',
  cors: [],
};
