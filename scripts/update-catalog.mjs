#!/usr/bin/env node
/**
 * Regenerates the bundled models.dev catalog, src/provider/catalog/models-dev.json.br (the
 * server's offline catalog until it fetches a newer one at run time).
 *
 *   node scripts/update-catalog.mjs                        # fetch https://models.dev/api.json
 *   node scripts/update-catalog.mjs https://host/api.json  # another URL
 *   node scripts/update-catalog.mjs ./api.json             # a downloaded copy
 *   node scripts/update-catalog.mjs --from-original [bin]  # the snapshot the original bundles
 *
 * `--from-original` needs no network: the original opencode binary (by default the one of the
 * `opencode-ai` devDependency) carries models.dev's `api.json` as an object literal in its
 * `ModelsDev` module, which this reads without running anything else of the binary. The
 * catalog is written as compact JSON, brotli-compressed, keeping models.dev's shape untouched:
 * the server maps it onto the reference's `Provider` / `Model` when it reads it. Say in the
 * README's "Model catalog" section where and when the committed snapshot came from.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { brotliCompressSync, constants } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SNAPSHOT = join(ROOT, 'src', 'provider', 'catalog', 'models-dev.json.br');
const ORIGINAL_BINARY = join(ROOT, 'node_modules', 'opencode-ai', 'bin', 'opencode.exe');
/** The function of the original's `ModelsDev` module that follows the bundled literal. */
const MARKER = '"ModelsDev.fetchAndWrite"';
/** How the literal starts: a lazily built value, `<x>.sync(()=>({...}))`. */
const LITERAL_START = '.sync(()=>({';
/** The literal is about 5 MB; look no further back than this for its start. */
const SEARCH_WINDOW = 64 * 1024 * 1024;

async function fromUrl(url) {
  const response = await fetch(url, {
    headers: { 'user-agent': 'opencode-server update-catalog' },
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/**
 * The object literal before the original's `ModelsDev.fetchAndWrite`: found by its start, cut
 * at its matching brace (strings skipped), evaluated as an expression in an empty context.
 */
async function fromOriginal(binary) {
  const bytes = await readFile(binary);
  const marker = bytes.indexOf(MARKER);
  if (marker < 0) throw new Error(`${binary}: no ${MARKER}; not an opencode binary?`);
  const from = Math.max(0, marker - SEARCH_WINDOW);
  const start = bytes.lastIndexOf(LITERAL_START, marker);
  if (start < from) throw new Error(`${binary}: the bundled catalog was not found`);
  const open = start + LITERAL_START.length - 1;
  const end = matchingBrace(bytes, open, marker);
  const source = bytes.subarray(open, end + 1).toString('utf8');
  return runInNewContext(`(${source})`, Object.create(null), { timeout: 30_000 });
}

function matchingBrace(bytes, open, limit) {
  let depth = 0;
  let quote = 0;
  for (let index = open; index < limit; index++) {
    const byte = bytes[index];
    if (quote) {
      if (byte === 0x5c) index++;
      else if (byte === quote) quote = 0;
      continue;
    }
    if (byte === 0x22 || byte === 0x27 || byte === 0x60) quote = byte;
    else if (byte === 0x7b) depth++;
    else if (byte === 0x7d && --depth === 0) return index;
  }
  throw new Error('the bundled catalog does not end before the ModelsDev code');
}

function summary(catalog) {
  if (typeof catalog !== 'object' || catalog === null || Array.isArray(catalog)) {
    throw new Error('not a models.dev catalog (an object of providers)');
  }
  const providers = Object.values(catalog);
  if (providers.some((provider) => typeof provider?.models !== 'object')) {
    throw new Error('not a models.dev catalog (a provider without models)');
  }
  const models = providers.reduce((sum, provider) => sum + Object.keys(provider.models).length, 0);
  return `${providers.length} providers, ${models} models`;
}

async function main() {
  const [first, second] = process.argv.slice(2);
  let catalog;
  if (first === '--from-original') catalog = await fromOriginal(second ?? ORIGINAL_BINARY);
  else if (!first || /^https?:\/\//.test(first)) {
    catalog = await fromUrl(first ?? 'https://models.dev/api.json');
  } else catalog = JSON.parse(await readFile(first, 'utf8'));
  const counts = summary(catalog);
  const json = Buffer.from(JSON.stringify(catalog));
  const compressed = brotliCompressSync(json, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: json.length,
    },
  });
  await writeFile(SNAPSHOT, compressed);
  console.log(
    `wrote ${counts} to ${SNAPSHOT} (${json.length} bytes of JSON, ${compressed.length} compressed)`,
  );
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
