#!/usr/bin/env node
// Validates an OpenAPI document against the official 3.x JSON schemas and checks that every
// `$ref` resolves. Usage: `node scripts/validate-openapi.mjs <file.json>` or the document on stdin.
// Prints `valid <version>` and exits 0, or prints the errors as JSON on stderr and exits 1.
// A separate ESM script because @seriousme/openapi-schema-validator is ESM-only, which jest's
// CommonJS runtime cannot load.
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';

const source = process.argv[2] ? readFileSync(process.argv[2], 'utf8') : readFileSync(0, 'utf8');
const validator = new Validator();
const result = await validator.validate(JSON.parse(source));
if (!result.valid) {
  process.stderr.write(`${JSON.stringify(result.errors, null, 2)}\n`);
  process.exit(1);
}
try {
  validator.resolveRefs();
} catch (error) {
  process.stderr.write(
    `unresolvable $ref: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
}
process.stdout.write(`valid ${validator.version}\n`);
