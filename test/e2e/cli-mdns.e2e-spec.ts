import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { publishMdns } from '../../src/core/http/mdns';

/**
 * bonjour-service replaced by a fake: a test must never send multicast onto the network. The fake
 * records what would have been announced and lets the test raise the socket errors (port 5353
 * taken, no multicast route) that would otherwise crash the process.
 */
const fake = {
  published: [] as unknown[],
  failOnConstruct: false,
  instances: [] as FakeBonjour[],
};

class FakeBonjour {
  readonly server = { mdns: new EventEmitter() };
  readonly services: EventEmitter[] = [];
  destroyed = false;
  unpublished = false;

  constructor() {
    if (fake.failOnConstruct) throw new Error('bind EADDRINUSE 0.0.0.0:5353');
    fake.instances.push(this);
  }

  publish(options: unknown): EventEmitter {
    fake.published.push(options);
    const service = new EventEmitter();
    this.services.push(service);
    return service;
  }

  unpublishAll(done: () => void): void {
    this.unpublished = true;
    setImmediate(done);
  }

  destroy(): void {
    this.destroyed = true;
  }
}

// A getter: jest hoists this above the class, which exists by the time publishMdns runs.
jest.mock('bonjour-service', () => ({
  get Bonjour() {
    return FakeBonjour;
  },
}));

function fakeLogger(): Logger & { warn: jest.Mock; info: jest.Mock } {
  return { warn: jest.fn(), info: jest.fn() } as unknown as Logger & {
    warn: jest.Mock;
    info: jest.Mock;
  };
}

describe('mDNS publication (bonjour-service faked)', () => {
  beforeEach(() => {
    fake.published = [];
    fake.instances = [];
    fake.failOnConstruct = false;
  });

  it('announces opencode-<port>, type http, on the --mdns-domain host, and unpublishes', async () => {
    const logger = fakeLogger();
    const publication = publishMdns(4321, 'studio.local', logger);
    expect(fake.published).toEqual([
      { name: 'opencode-4321', type: 'http', port: 4321, host: 'studio.local' },
    ]);
    await publication.unpublish();
    const [bonjour] = fake.instances;
    expect(bonjour.unpublished).toBe(true);
    expect(bonjour.destroyed).toBe(true);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('logs and carries on when the multicast socket or the service fails', async () => {
    const logger = fakeLogger();
    const publication = publishMdns(4321, 'opencode.local', logger);
    const [bonjour] = fake.instances;
    expect(() => bonjour.server.mdns.emit('error', new Error('send ENETUNREACH'))).not.toThrow();
    expect(() => bonjour.services[0].emit('error', new Error('name conflict'))).not.toThrow();
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(String(logger.warn.mock.calls[0][1])).toMatch(/mDNS unavailable/);
    await publication.unpublish();
  });

  it('logs and carries on when bonjour cannot even start', async () => {
    fake.failOnConstruct = true;
    const logger = fakeLogger();
    const publication = publishMdns(4321, 'opencode.local', logger);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    await expect(publication.unpublish()).resolves.toBeUndefined();
  });
});
