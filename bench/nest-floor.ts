/**
 * The start-up floor of this stack for `bench/pipeline.ts` (issue 13): a Nest application on the
 * Fastify adapter with one module and one route (`GET /global/health`), which loads the libraries
 * this server's decorators and start need (class-validator, class-transformer, @nestjs/swagger,
 * @nestjs/event-emitter, zod, pino, commander, better-sqlite3) and opens a SQLite file in WAL, but
 * none of the server's own code. Its start is what any app on these libraries pays; the rest of
 * this server's start is its own.
 *
 * Run as a child process: `node --max-semi-space-size=4 nest-floor.js <database file>` (pipeline.ts
 * transpiles this file next to the checkout's node_modules). Prints `floor listening on <url>`.
 * The decorators are applied as functions, so the file needs no decorator transpilation.
 */
import { createRequire } from 'node:module';

const load = createRequire(__filename);

async function main(database: string): Promise<void> {
  load('reflect-metadata');
  for (const name of [
    'class-validator',
    'class-transformer',
    '@nestjs/swagger',
    '@nestjs/event-emitter',
    'zod',
    'pino',
    'commander',
  ]) {
    load(name);
  }
  const { NestFactory } = load('@nestjs/core') as typeof import('@nestjs/core');
  const { Controller, Get, Module } = load('@nestjs/common') as typeof import('@nestjs/common');
  const { FastifyAdapter } = load(
    '@nestjs/platform-fastify',
  ) as typeof import('@nestjs/platform-fastify');
  const Database = load('better-sqlite3') as typeof import('better-sqlite3');
  new Database(database).pragma('journal_mode = WAL');

  class HealthController {
    health() {
      return { healthy: true, version: 'floor' };
    }
  }
  Controller('global')(HealthController);
  const health = Object.getOwnPropertyDescriptor(HealthController.prototype, 'health')!;
  Get('health')(HealthController.prototype, 'health', health);
  class FloorModule {}
  Module({ controllers: [HealthController] })(FloorModule);

  const app = await NestFactory.create(FloorModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  process.stdout.write(`floor listening on http://127.0.0.1:${address.port}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main(process.argv[2]);
