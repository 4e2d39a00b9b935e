#!/usr/bin/env node
/**
 * Refreshes the bundled provider catalog (src/provider/catalog/catalog.json) from models.dev.
 *
 *   node scripts/update-catalog.mjs                      # fetch https://models.dev/api.json
 *   node scripts/update-catalog.mjs ./api.json           # or read a downloaded copy
 *   node scripts/update-catalog.mjs ./api.json anthropic openai   # only these providers
 *
 * The server never fetches the catalog at run time (it must work offline); run this by hand and
 * commit the result. The providers kept are those already in catalog.json unless listed on the
 * command line. Each entry keeps models.dev's shape (the same shape as the config's
 * `provider.<id>.models` entries), trimmed to the fields the server maps onto the reference's
 * `Provider` / `Model` components. `api` is kept from the current catalog when models.dev has
 * none: for providers whose own AI SDK package is not installed here, it is the provider's
 * OpenAI-compatible endpoint, which the server uses instead.
 *
 * The catalog committed first was hand-curated offline (no network on the build machine), from
 * the providers' published model pages; prices are USD per million tokens.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CATALOG = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  'provider',
  'catalog',
  'catalog.json',
);
const MODEL_FIELDS = [
  'id',
  'name',
  'family',
  'release_date',
  'attachment',
  'reasoning',
  'temperature',
  'tool_call',
  'interleaved',
  'cost',
  'limit',
  'modalities',
  'status',
];

async function loadSource(argument) {
  if (argument && !argument.startsWith('http')) return JSON.parse(await readFile(argument, 'utf8'));
  const response = await fetch(argument ?? 'https://models.dev/api.json');
  if (!response.ok) throw new Error(`models.dev answered ${response.status}`);
  return response.json();
}

function pick(object, keys) {
  return Object.fromEntries(
    keys.filter((key) => object[key] !== undefined).map((key) => [key, object[key]]),
  );
}

async function main() {
  const [source, ...only] = process.argv.slice(2);
  const current = JSON.parse(await readFile(CATALOG, 'utf8'));
  const upstream = await loadSource(source);
  const wanted = only.length > 0 ? only : Object.keys(current);
  const next = {};
  for (const id of wanted) {
    const provider = upstream[id];
    if (!provider) {
      console.warn(`models.dev has no provider "${id}"; keeping the current entry`);
      if (current[id]) next[id] = current[id];
      continue;
    }
    next[id] = {
      id,
      name: provider.name,
      env: provider.env ?? [],
      npm: provider.npm,
      api: provider.api ?? current[id]?.api,
      doc: provider.doc,
      models: Object.fromEntries(
        Object.entries(provider.models ?? {})
          .filter(([, model]) => model.status !== 'deprecated')
          .map(([modelID, model]) => [modelID, pick({ ...model, id: modelID }, MODEL_FIELDS)]),
      ),
    };
  }
  await writeFile(CATALOG, `${JSON.stringify(next, null, 2)}\n`);
  const models = Object.values(next).reduce((sum, p) => sum + Object.keys(p.models).length, 0);
  console.log(`wrote ${Object.keys(next).length} providers, ${models} models to ${CATALOG}`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
