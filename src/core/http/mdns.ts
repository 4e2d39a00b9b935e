import { Bonjour, Service } from 'bonjour-service';
import type { Logger } from 'pino';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/** A server listening only here cannot be reached by mDNS peers, so it is not announced. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

export interface MdnsPublication {
  unpublish(): Promise<void>;
}

/**
 * Announces the server on the local network as `opencode-<port>` (type http). bonjour-service
 * does not listen for errors on its multicast socket, so a taken port 5353 or a host without
 * multicast would crash the process: errors are caught, logged, and the server carries on.
 */
export function publishMdns(port: number, domain: string, logger: Logger): MdnsPublication {
  let bonjour: Bonjour | undefined;
  let service: Service | undefined;
  const onError = (error: unknown) =>
    logger.warn({ err: String(error) }, 'mDNS unavailable; continuing without it');
  try {
    bonjour = new Bonjour({}, onError);
    attachSocketErrorHandler(bonjour, onError);
    service = bonjour.publish({ name: `opencode-${port}`, type: 'http', port, host: domain });
    service.on('error', onError);
    logger.info({ name: `opencode-${port}`, host: domain }, 'mDNS service published');
  } catch (error) {
    onError(error);
  }
  return {
    unpublish: () =>
      new Promise<void>((resolve) => {
        if (!bonjour) return resolve();
        const instance = bonjour;
        instance.unpublishAll(() => {
          instance.destroy();
          resolve();
        });
      }),
  };
}

function attachSocketErrorHandler(bonjour: Bonjour, onError: (error: unknown) => void): void {
  // The multicast-dns instance lives on a private field; its socket emits 'error' events.
  const server = (
    bonjour as unknown as {
      server?: { mdns?: { on(event: string, fn: (e: unknown) => void): void } };
    }
  ).server;
  server?.mdns?.on('error', onError);
}
