/**
 * `npm run bench` runs every benchmark against the built server (`npm run build` first);
 * `npm run bench -- <name>` runs one (health, sse, sessions, files, agent-loop,
 * pipeline). Exits non-zero if a target is missed.
 */
import { runAgentLoopBench } from './agent-loop';
import { runFilesBench } from './files';
import { runHealthBench } from './health';
import { runPipelineBench } from './pipeline';
import { runSessionsBench } from './sessions';
import { runSseFanoutBench } from './sse-fanout';

const BENCHES: Record<string, () => Promise<boolean>> = {
  health: runHealthBench,
  sse: runSseFanoutBench,
  sessions: runSessionsBench,
  files: () => runFilesBench(),
  'agent-loop': runAgentLoopBench,
  pipeline: runPipelineBench,
};

async function main(names: string[]): Promise<boolean> {
  const selected = names.length > 0 ? names : Object.keys(BENCHES);
  let ok = true;
  for (const name of selected) {
    const bench = BENCHES[name];
    if (!bench)
      throw new Error(`unknown benchmark ${name}; one of: ${Object.keys(BENCHES).join(', ')}`);
    process.stdout.write(`\n== ${name}\n`);
    ok = (await bench()) && ok;
  }
  return ok;
}

main(process.argv.slice(2)).then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
