import type * as Jsonc from 'jsonc-parser';
import type { JSONPath } from 'jsonc-parser';
import { lazyRequire } from '../core/lazy-require';

/** The JSONC editor, once a config file is written. */
const loadJsonc = lazyRequire<typeof Jsonc>('jsonc-parser');

/**
 * Applies a config patch to a JSONC file's text in place: objects are merged key by key (as the
 * merged config merges layers), anything else replaces what was there. Only the edited values
 * change, so comments, key order and formatting elsewhere survive.
 */
export function applyConfigPatch(text: string, patch: Record<string, unknown>): string {
  const source = text.trim() ? text : '{}\n';
  const jsonc = loadJsonc();
  const current: unknown = jsonc.parse(source, [], { allowTrailingComma: true });
  const formatting = { insertSpaces: true, tabSize: detectIndent(source), eol: detectEol(source) };
  let out = source;
  for (const [path, value] of leafEdits(current, patch, [])) {
    out = jsonc.applyEdits(out, jsonc.modify(out, path, value, { formattingOptions: formatting }));
  }
  return out.endsWith('\n') ? out : `${out}\n`;
}

/** The (path, value) pairs to set: recurse where both sides are objects, replace elsewhere. */
function* leafEdits(
  current: unknown,
  patch: Record<string, unknown>,
  path: JSONPath,
): Generator<[JSONPath, unknown]> {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const existing = isPlainObject(current) ? current[key] : undefined;
    if (isPlainObject(value) && isPlainObject(existing) && Object.keys(value).length > 0) {
      yield* leafEdits(existing, value, [...path, key]);
    } else {
      yield [[...path, key], value];
    }
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function detectIndent(text: string): number {
  const match = /\n( +)\S/.exec(text);
  return match ? Math.min(match[1].length, 8) : 2;
}

function detectEol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
