import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import fuzzysort from 'fuzzysort';
import type { FileWatcherEvent } from '../file/engine/file-watcher';
import { isScannable, scanSymbols, type SourceSymbol, type SymbolKind } from './symbol-scan';

/** The reference's `Symbol` (LSP `SymbolInformation` without the container). */
export interface WorkspaceSymbol {
  name: string;
  kind: SymbolKind;
  location: {
    uri: string;
    range: {
      start: { line: number; character: number };
      end: { line: number; character: number };
    };
  };
}

/** What the symbol index needs from the file engine. */
export interface SymbolSources {
  /** The project root as configured (watcher events are absolute below it). */
  readonly root: string;
  listFiles(): readonly string[];
  subscribe(listener: (event: FileWatcherEvent) => void): () => void;
}

export const SYMBOL_LIMIT = 50;
// Generated or minified sources are not where people look for declarations.
const MAX_SOURCE_BYTES = 1024 * 1024;
const READ_CONCURRENCY = 16;

interface Entry extends SourceSymbol {
  file: string;
}

/**
 * `GET /find/symbol` without a language server: declarations found by `scanSymbols` in every
 * indexed source file, scanned on the first query and then only again for the files the watcher
 * reports as changed. Names are matched fuzzily, best first. A real LSP client would replace
 * this; until then it is an honest answer from the project's files instead of the reference's
 * empty list.
 */
export class SymbolIndex {
  private readonly byFile = new Map<string, Entry[]>();
  private flat?: Entry[];
  private readonly unsubscribe: () => void;
  /** One scan at a time: concurrent queries share it. */
  private scanning?: Promise<void>;

  constructor(private readonly sources: SymbolSources) {
    this.unsubscribe = sources.subscribe(({ file }) => {
      const rel = path.relative(sources.root, file).split(path.sep).join('/');
      if (this.byFile.delete(rel)) this.flat = undefined;
    });
  }

  async search(query: string, limit = SYMBOL_LIMIT): Promise<WorkspaceSymbol[]> {
    await this.refresh();
    const entries = this.entries();
    const needle = query.trim();
    const found =
      needle === ''
        ? entries.slice(0, limit)
        : fuzzysort.go(needle, entries, { key: 'name', limit }).map((result) => result.obj);
    return found.map((entry) => this.toSymbol(entry));
  }

  close(): void {
    this.unsubscribe();
  }

  /** Scans the indexed source files not scanned yet (all of them the first time). */
  private refresh(): Promise<void> {
    this.scanning ??= this.scanMissing().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async scanMissing(): Promise<void> {
    const missing = this.sources
      .listFiles()
      .filter((file) => isScannable(file) && !this.byFile.has(file));
    let next = 0;
    const worker = async () => {
      while (next < missing.length) {
        const file = missing[next++];
        this.byFile.set(file, await this.scan(file));
        this.flat = undefined;
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, missing.length) }, worker));
  }

  private async scan(file: string): Promise<Entry[]> {
    const abs = path.join(this.sources.root, file);
    try {
      if ((await stat(abs)).size > MAX_SOURCE_BYTES) return [];
      const text = await readFile(abs, 'utf8');
      return scanSymbols(file, text).map((symbol) => ({ ...symbol, file }));
    } catch {
      return []; // Removed since it was indexed: the watcher will tell.
    }
  }

  /** Every known symbol in file order, for the files still in the index. */
  private entries(): Entry[] {
    if (!this.flat) {
      const files = new Set(this.sources.listFiles());
      for (const file of this.byFile.keys()) if (!files.has(file)) this.byFile.delete(file);
      this.flat = [...this.byFile.keys()].sort().flatMap((file) => this.byFile.get(file) ?? []);
    }
    return this.flat;
  }

  private toSymbol(entry: Entry): WorkspaceSymbol {
    return {
      name: entry.name,
      kind: entry.kind,
      location: {
        uri: pathToFileURL(path.join(this.sources.root, entry.file)).href,
        range: {
          start: { line: entry.line, character: entry.start },
          end: { line: entry.line, character: entry.end },
        },
      },
    };
  }
}
