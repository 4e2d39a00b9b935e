import pino from 'pino';
import { AppEnvironment } from '../../src/core/config/app-environment';
import { createApp } from '../../src/main';
import { SessionService } from '../../src/session/session.service';
import { SessionFactory } from './session-factory';

/**
 * A real server in its own process, for tests that must kill it (`kill -9`): started with
 * `node -r ts-node/register/transpile-only test/support/session-server.ts` in the project
 * directory, environment from the parent (HOME, XDG_*). Prints one JSON line when listening:
 * `{ url }`, plus `seeded` (a session with `SEED_TURNS` stored turns) when asked.
 */
async function main(): Promise<void> {
  const env = new AppEnvironment(process.env, process.cwd());
  const app = await createApp({
    env,
    server: { hostname: '127.0.0.1' },
    logger: pino({ level: 'silent' }),
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let seeded: { sessionID: string; messages: number; parts: number } | undefined;
  const turns = Number(env.variables.SEED_TURNS ?? 0);
  if (turns > 0) {
    const factory = await SessionFactory.create(app, env.defaultDirectory);
    const session = app.get(SessionService).create(factory.instance, { title: 'seed' });
    const stored = factory.conversation(session.id, turns);
    seeded = {
      sessionID: session.id,
      messages: stored.length,
      parts: stored.reduce((sum, message) => sum + message.parts.length, 0),
    };
  }
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, seeded })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
