import { isScannable, scanSymbols, SymbolKind } from './symbol-scan';

const names = (file: string, text: string) =>
  scanSymbols(file, text).map((s) => `${s.name}:${s.kind}@${s.line}:${s.start}-${s.end}`);

describe('scanSymbols', () => {
  it('finds TypeScript/JavaScript declarations with the columns of their names', () => {
    const text = [
      'export default class App {}',
      'export abstract class Base<T> {}',
      'export async function* stream() {}',
      'function plain() {}',
      'export interface Options { a: number }',
      'export const enum Mode { A }',
      'declare enum Flag { B }',
      'export const LIMIT = 1;',
      'let counter = 0;',
      'var legacy;',
      '  const local = 1;',
      'namespace N {',
      '  export function inner() {}',
      '}',
      '// class Commented {}',
    ].join('\n');
    expect(names('a.ts', text)).toEqual([
      `App:${SymbolKind.Class}@0:21-24`,
      `Base:${SymbolKind.Class}@1:22-26`,
      `stream:${SymbolKind.Function}@2:23-29`,
      `plain:${SymbolKind.Function}@3:9-14`,
      `Options:${SymbolKind.Interface}@4:17-24`,
      `Mode:${SymbolKind.Enum}@5:18-22`,
      `Flag:${SymbolKind.Enum}@6:13-17`,
      `LIMIT:${SymbolKind.Constant}@7:13-18`,
      `counter:${SymbolKind.Variable}@8:4-11`,
      `legacy:${SymbolKind.Variable}@9:4-10`,
      `inner:${SymbolKind.Function}@12:18-23`,
    ]);
  });

  it('finds Python classes, functions, methods and module constants', () => {
    const text =
      'MAX_SIZE = 10\nclass Store:\n    def get(self):\n        pass\nasync def main():\n    x = 1\nif A == 1: pass\n';
    expect(names('m.py', text)).toEqual([
      `MAX_SIZE:${SymbolKind.Constant}@0:0-8`,
      `Store:${SymbolKind.Class}@1:6-11`,
      `get:${SymbolKind.Method}@2:8-11`,
      `main:${SymbolKind.Function}@4:10-14`,
    ]);
  });

  it('finds Go functions, methods, structs, interfaces, constants and variables', () => {
    const text = [
      'func Run() {}',
      'func (s *Server) Serve() error {}',
      'type Server struct {',
      'type Box[T any] struct {}',
      'type Reader interface {',
      'const Version = "1"',
      'var Default = New()',
    ].join('\n');
    expect(names('main.go', text)).toEqual([
      `Run:${SymbolKind.Function}@0:5-8`,
      `Serve:${SymbolKind.Method}@1:17-22`,
      `Server:${SymbolKind.Struct}@2:5-11`,
      `Box:${SymbolKind.Struct}@3:5-8`,
      `Reader:${SymbolKind.Interface}@4:5-11`,
      `Version:${SymbolKind.Constant}@5:6-13`,
      `Default:${SymbolKind.Variable}@6:4-11`,
    ]);
  });

  it('finds Rust functions, methods, structs, enums, traits and constants', () => {
    const text = [
      'pub fn start() {}',
      'pub(crate) async unsafe fn risky() {}',
      'impl Engine {',
      '    pub fn stop(&self) {}',
      '}',
      'pub struct Engine;',
      'enum State { On }',
      'pub trait Drive {}',
      'pub const MAX: u32 = 1;',
      'static mut COUNT: u32 = 0;',
    ].join('\n');
    expect(names('lib.rs', text)).toEqual([
      `start:${SymbolKind.Function}@0:7-12`,
      `risky:${SymbolKind.Function}@1:27-32`,
      `stop:${SymbolKind.Method}@3:11-15`,
      `Engine:${SymbolKind.Struct}@5:11-17`,
      `State:${SymbolKind.Enum}@6:5-10`,
      `Drive:${SymbolKind.Interface}@7:10-15`,
      `MAX:${SymbolKind.Constant}@8:10-13`,
      `COUNT:${SymbolKind.Constant}@9:11-16`,
    ]);
  });

  it('takes Unicode identifiers and counts columns in UTF-16 units, as LSP does', () => {
    expect(names('u.ts', 'function ünï() {}')).toEqual([`ünï:${SymbolKind.Function}@0:9-12`]);
    // 𝒳 is one code point but two UTF-16 units.
    expect(names('u.ts', 'export const 𝒳𝒳 = 1;')).toEqual([`𝒳𝒳:${SymbolKind.Constant}@0:13-17`]);
    expect(names('u.py', 'def grüße():')).toEqual([`grüße:${SymbolKind.Function}@0:4-9`]);
  });

  it('knows which files it can scan', () => {
    expect(['a.ts', 'b.TSX', 'c.mjs', 'd.py', 'e.go', 'f.rs'].every(isScannable)).toBe(true);
    expect(['a.md', 'b.json', 'Makefile', 'c.java'].some(isScannable)).toBe(false);
    expect(scanSymbols('notes.md', 'function x() {}')).toEqual([]);
  });
});
