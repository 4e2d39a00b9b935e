import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { FastifyReply } from 'fastify';
import { EventEmitter } from 'node:events';
import { BusService } from '../../core/bus/bus.service';
import { IdGenerator } from '../../core/id';
import type { Instance } from '../../core/instance/instance';
import { DirectoryAllowlist } from '../../core/http/directory-allowlist';
import { OpenEventStreams } from '../../core/http/open-event-streams';
import { ApiEventStreamService } from './api-event-stream.service';

const everyDirectory = new DirectoryAllowlist([]);

/** A response that keeps what is written; `stalled` makes it keep it unsent, as a client that stopped reading. */
class FakeResponse extends EventEmitter {
  chunks: string[] = [];
  destroyed = false;
  writableEnded = false;
  stalled = false;
  writableLength = 0;

  writeHead(): this {
    return this;
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    if (this.stalled) this.writableLength += chunk.length;
    return true;
  }
  end(): void {
    this.writableEnded = true;
    this.emit('close');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

describe('ApiEventStreamService', () => {
  const ids = new IdGenerator();
  const bus = new BusService(new EventEmitter2(), ids);
  const instance = { directory: '/w', projectID: 'p' } as Instance;

  function connect(service: ApiEventStreamService): FakeResponse {
    const response = new FakeResponse();
    service.serve({
      hijack: () => undefined,
      raw: response,
      getHeaders: () => ({}),
    } as unknown as FastifyReply);
    return response;
  }

  it('sends server.connected and a heartbeat first, then each event with its location', () => {
    const service = new ApiEventStreamService(bus, ids, everyDirectory, new OpenEventStreams());
    const response = connect(service);
    expect(response.chunks[0]).toMatch(
      /^id: evt_\w+\ndata: \{"id":"evt_\w+","type":"server.connected","data":\{\}\}\n\n: heartbeat\n\n$/,
    );
    bus.publish(instance, 'file.edited', { file: '/w/a.ts' });
    const frame = JSON.parse(/data: (.*)\n/.exec(response.chunks[1])![1]) as object;
    expect(frame).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'file.edited',
      location: { directory: '/w' },
      data: { file: '/w/a.ts' },
    });
    response.end();
    expect(service.subscribers).toBe(0);
    service.onApplicationShutdown();
  });

  it('cuts off a subscriber that reads nothing while the others go on', () => {
    const service = new ApiEventStreamService(bus, ids, everyDirectory, new OpenEventStreams());
    const slow = connect(service);
    const fast = connect(service);
    slow.stalled = true;
    const big = 'x'.repeat(64 * 1024);
    for (let index = 0; index < 200 && !slow.destroyed; index++) {
      bus.publish(instance, 'file.edited', { file: big });
    }
    expect(slow.destroyed).toBe(true);
    expect(fast.destroyed).toBe(false);
    expect(service.subscribers).toBe(1);
    const before = fast.chunks.length;
    bus.publish(instance, 'file.edited', { file: 'after' });
    expect(fast.chunks.length).toBe(before + 1);
    service.onApplicationShutdown();
    expect(fast.writableEnded).toBe(true);
  });

  it('leaves out the events of directories outside the allowlist', () => {
    const root = mkdtempSync(join(tmpdir(), 'api-event-allow-'));
    mkdirSync(join(root, 'in'));
    mkdirSync(join(root, 'out'));
    const service = new ApiEventStreamService(
      bus,
      ids,
      new DirectoryAllowlist([join(root, 'in')]),
      new OpenEventStreams(),
    );
    const response = connect(service);
    bus.publish({ directory: join(root, 'out'), projectID: 'p' }, 'file.edited', { file: 'x' });
    bus.publish({ directory: join(root, 'in'), projectID: 'p' }, 'file.edited', { file: 'y' });
    expect(response.chunks.slice(1).join('')).not.toContain('"file":"x"');
    expect(response.chunks.slice(1).join('')).toContain('"file":"y"');
    service.onApplicationShutdown();
    rmSync(root, { recursive: true, force: true });
  });
});
