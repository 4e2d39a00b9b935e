import * as path from 'node:path';

/** LSP `SymbolKind` values used here (the numbers the reference's `Symbol.kind` carries). */
export const SymbolKind = {
  Class: 5,
  Method: 6,
  Enum: 10,
  Interface: 11,
  Function: 12,
  Variable: 13,
  Constant: 14,
  Struct: 23,
} as const;
export type SymbolKind = (typeof SymbolKind)[keyof typeof SymbolKind];

/** A declaration found in a source file: 0-based line, UTF-16 columns of its name, as LSP counts. */
export interface SourceSymbol {
  name: string;
  kind: SymbolKind;
  line: number;
  start: number;
  end: number;
}

/** A rule: a line matching `pattern` declares the name in its `name` group, of `kind`. */
interface DeclarationRule {
  pattern: RegExp;
  kind: SymbolKind | ((match: RegExpExecArray) => SymbolKind);
}

// Identifiers as the languages define them (Unicode letters included); rules use the 'u' flag.
const ID = String.raw`[\p{ID_Start}_][\p{ID_Continue}]*`;
const JS_ID = String.raw`[\p{ID_Start}_$][\p{ID_Continue}$\u200c\u200d]*`;
const JS_EXPORT = String.raw`(?:export\s+(?:default\s+)?)?(?:declare\s+)?`;

const JS_RULES: DeclarationRule[] = [
  {
    pattern: new RegExp(
      String.raw`^\s*${JS_EXPORT}(?:abstract\s+)?class\s+(?<name>${JS_ID})`,
      'du',
    ),
    kind: SymbolKind.Class,
  },
  {
    pattern: new RegExp(
      String.raw`^\s*${JS_EXPORT}(?:async\s+)?function\s*\*?\s*(?<name>${JS_ID})`,
      'du',
    ),
    kind: SymbolKind.Function,
  },
  {
    pattern: new RegExp(String.raw`^\s*${JS_EXPORT}interface\s+(?<name>${JS_ID})`, 'du'),
    kind: SymbolKind.Interface,
  },
  {
    pattern: new RegExp(String.raw`^\s*${JS_EXPORT}(?:const\s+)?enum\s+(?<name>${JS_ID})`, 'du'),
    kind: SymbolKind.Enum,
  },
  // Module-level bindings only (no indentation): locals inside functions are not symbols.
  {
    pattern: new RegExp(String.raw`^${JS_EXPORT}(?<decl>const|let|var)\s+(?<name>${JS_ID})`, 'du'),
    kind: (m) => (m.groups?.decl === 'const' ? SymbolKind.Constant : SymbolKind.Variable),
  },
];

const PY_RULES: DeclarationRule[] = [
  { pattern: new RegExp(String.raw`^\s*class\s+(?<name>${ID})`, 'du'), kind: SymbolKind.Class },
  {
    // An indented def is (almost always) a method of the class around it.
    pattern: new RegExp(String.raw`^(?<indent>\s*)(?:async\s+)?def\s+(?<name>${ID})`, 'du'),
    kind: (m) => (m.groups?.indent ? SymbolKind.Method : SymbolKind.Function),
  },
  // Module-level UPPER_CASE assignments: Python's constants by convention.
  {
    pattern: new RegExp(String.raw`^(?<name>[A-Z][A-Z0-9_]*)\s*(?::[^=]*)?=(?!=)`, 'du'),
    kind: SymbolKind.Constant,
  },
];

const GO_RULES: DeclarationRule[] = [
  {
    pattern: new RegExp(String.raw`^func\s+(?<receiver>\([^)]*\)\s*)?(?<name>${ID})`, 'du'),
    kind: (m) => (m.groups?.receiver ? SymbolKind.Method : SymbolKind.Function),
  },
  {
    pattern: new RegExp(String.raw`^type\s+(?<name>${ID})(?:\[[^\]]*\])?\s+struct\b`, 'du'),
    kind: SymbolKind.Struct,
  },
  {
    pattern: new RegExp(String.raw`^type\s+(?<name>${ID})(?:\[[^\]]*\])?\s+interface\b`, 'du'),
    kind: SymbolKind.Interface,
  },
  { pattern: new RegExp(String.raw`^const\s+(?<name>${ID})`, 'du'), kind: SymbolKind.Constant },
  { pattern: new RegExp(String.raw`^var\s+(?<name>${ID})`, 'du'), kind: SymbolKind.Variable },
];

const RUST_VIS = String.raw`(?:pub(?:\([^)]*\))?\s+)?`;
const RUST_RULES: DeclarationRule[] = [
  {
    pattern: new RegExp(
      String.raw`^(?<indent>\s*)${RUST_VIS}(?:default\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?fn\s+(?<name>${ID})`,
      'du',
    ),
    // Indented functions live in `impl` / `trait` blocks.
    kind: (m) => (m.groups?.indent ? SymbolKind.Method : SymbolKind.Function),
  },
  {
    pattern: new RegExp(String.raw`^\s*${RUST_VIS}struct\s+(?<name>${ID})`, 'du'),
    kind: SymbolKind.Struct,
  },
  {
    pattern: new RegExp(String.raw`^\s*${RUST_VIS}enum\s+(?<name>${ID})`, 'du'),
    kind: SymbolKind.Enum,
  },
  {
    pattern: new RegExp(String.raw`^\s*${RUST_VIS}(?:unsafe\s+)?trait\s+(?<name>${ID})`, 'du'),
    kind: SymbolKind.Interface,
  },
  {
    pattern: new RegExp(
      String.raw`^${RUST_VIS}(?:const|static(?:\s+mut)?)\s+(?<name>${ID})\s*:`,
      'du',
    ),
    kind: SymbolKind.Constant,
  },
];

const RULES_BY_EXTENSION: Record<string, DeclarationRule[]> = {
  ts: JS_RULES,
  tsx: JS_RULES,
  mts: JS_RULES,
  cts: JS_RULES,
  js: JS_RULES,
  jsx: JS_RULES,
  mjs: JS_RULES,
  cjs: JS_RULES,
  py: PY_RULES,
  pyi: PY_RULES,
  go: GO_RULES,
  rs: RUST_RULES,
};

/** Whether `file` is in one of the languages `scanSymbols` knows. */
export function isScannable(file: string): boolean {
  return path.extname(file).slice(1).toLowerCase() in RULES_BY_EXTENSION;
}

/**
 * The declarations of one source file, found line by line with regular expressions: classes,
 * functions, methods, interfaces, enums, structs, traits and module-level constants/variables of
 * TypeScript/JavaScript, Python, Go and Rust. An approximation of what a language server's
 * `workspace/symbol` answers (no scopes, no parsing of strings or comments across lines); a real
 * LSP client would replace it.
 */
export function scanSymbols(file: string, text: string): SourceSymbol[] {
  const rules = RULES_BY_EXTENSION[path.extname(file).slice(1).toLowerCase()];
  if (!rules) return [];
  const symbols: SourceSymbol[] = [];
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const content = lines[line];
    for (const rule of rules) {
      const match = rule.pattern.exec(content);
      const name = match?.groups?.name;
      if (!match || !name) continue;
      const [start, end] = match.indices?.groups?.name ?? [0, 0];
      const kind = typeof rule.kind === 'function' ? rule.kind(match) : rule.kind;
      symbols.push({ name, kind, line, start, end });
      break;
    }
  }
  return symbols;
}
