import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type * as JitiModule from 'jiti';
import { lazyRequire } from '../core/lazy-require';

/** Loaded with the first plugin: a server without any never pays for it. */
const loadJiti = lazyRequire<typeof JitiModule>('jiti');

/** Where a plugin's `client` points when the server is not listening (the reference's default). */
export const UNKNOWN_SERVER_URL = 'http://localhost:4096';

/**
 * The URL plugins reach this server at: its listening address, with a wildcard bind (`0.0.0.0`,
 * `::`) replaced by the loopback address so that requests from inside the server's own process
 * always connect.
 */
export function serverUrlOf(address: string | AddressInfo | null | undefined): URL {
  if (!address || typeof address === 'string') return new URL(UNKNOWN_SERVER_URL);
  const host =
    address.address === '0.0.0.0' || address.address === '::'
      ? '127.0.0.1'
      : address.family === 'IPv6'
        ? `[${address.address}]`
        : address.address;
  return new URL(`http://${host}:${address.port}/`);
}

/** The options a plugin's SDK client is created with. */
export interface PluginClientOptions {
  baseUrl: string;
  directory: string;
  /** Basic-auth credentials when the server has a password. */
  credentials?: { username: string; password: string };
}

type CreateClient = (config: {
  baseUrl: string;
  directory: string;
  headers?: Record<string, string>;
}) => unknown;

/**
 * The v1 client of the official SDK (`createOpencodeClient` of `@opencode-ai/sdk`, the version
 * `@opencode-ai/plugin` depends on, as the reference hands plugins), bound to this server. The
 * SDK is ESM-only; it is loaded through jiti from the plugin package's own location, once per
 * call site (jiti keeps it in its module cache).
 */
export async function createPluginClient(options: PluginClientOptions): Promise<unknown> {
  const { createJiti } = loadJiti();
  const here = createJiti(__filename, { fsCache: false });
  const pluginPackage = fileURLToPath(String(here.esmResolve('@opencode-ai/plugin')));
  const fromPlugin = createJiti(pluginPackage, { fsCache: false, interopDefault: false });
  const sdk = await fromPlugin.import<{ createOpencodeClient: CreateClient }>(
    '@opencode-ai/sdk/client',
  );
  const credentials = options.credentials;
  return sdk.createOpencodeClient({
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    directory: options.directory,
    ...(credentials && {
      headers: {
        authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`,
      },
    }),
  });
}
