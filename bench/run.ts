/**
 * `npm run bench` runs every benchmark against the built server (`npm run build` first);
 * `npm run bench -- health` or `npm run bench -- sse` runs one. Exits non-zero if a target is missed.
 */
import { runHealthBench } from './health';
import { runSseFanoutBench } from './sse-fanout';

const BENCHES: Record<string, () => Promise<boolean>> = {
  health: runHealthBench,
  sse: runSseFanoutBench,
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
