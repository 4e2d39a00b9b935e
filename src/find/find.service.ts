import { Inject, Injectable } from '@nestjs/common';
import * as path from 'node:path';
import type { Instance } from '../core/instance/instance';
import type { ProjectFiles } from '../file/engine/project-files';
import { ProjectFilesRegistry } from '../file/project-files.registry';
import { LspService } from '../lsp/lsp.service';
import { compilePattern } from './engine/grep';
import { TextSearch } from './engine/text-search';
import type { FindFilesQueryDto } from './dto/find-query.dto';
import type { SymbolDto } from './dto/symbol.dto';
import type { TextMatchDto } from './dto/text-match.dto';
import { toNamedFindError } from './find.errors';
import { FIND_OPTIONS, type FindOptions } from './find.options';
import { SYMBOL_LIMIT, SymbolIndex } from './symbol-index';

const TEXT_SEARCH = Symbol('text-search');
const SYMBOL_INDEX = Symbol('symbol-index');

/**
 * `/find*` over the instance's file index (ignore-aware, kept current by the watcher): text
 * search in a worker thread, fuzzy path search, and a symbol search from source declarations.
 */
@Injectable()
export class FindService {
  constructor(
    private readonly projects: ProjectFilesRegistry,
    private readonly lsp: LspService,
    @Inject(FIND_OPTIONS) private readonly options: FindOptions,
  ) {}

  /**
   * Lines matching the regex, in path order, capped (see the engine's defaults). A pattern that
   * does not compile is a 400 naming the problem; a search past its time budget a 503.
   */
  async text(instance: Instance, pattern: string): Promise<TextMatchDto[]> {
    try {
      compilePattern(pattern); // Refused before the index is even started.
      const files = await this.projects.started(instance);
      const search = this.textSearch(instance, files);
      try {
        return await search.search(pattern);
      } finally {
        // Created for a request that raced the instance's disposal: nobody else would stop it.
        if (instance.disposed) await search.close();
      }
    } catch (error) {
      throw toNamedFindError(error);
    }
  }

  /** Fuzzy path search, best first; directories end in `/`. */
  async files(instance: Instance, query: FindFilesQueryDto): Promise<string[]> {
    const files = await this.projects.started(instance);
    return files.index.search(query.query, {
      type: query.type,
      dirs: query.dirs !== 'false',
      limit: query.limit,
    });
  }

  /**
   * Workspace symbols: what the running language servers answer (as the reference), then the
   * declarations `SymbolIndex` finds by scanning the sources, which covers languages no server
   * runs for (and everything before one started); the same declaration is listed once.
   */
  async symbols(instance: Instance, query: string): Promise<SymbolDto[]> {
    const [fromServers, scanned] = await Promise.all([
      this.lsp.hasClients(instance) ? this.lsp.workspaceSymbols(instance, query) : [],
      this.scannedSymbols(instance, query),
    ]);
    const seen = new Set(fromServers.map(symbolKey));
    const merged = [...fromServers, ...scanned.filter((symbol) => !seen.has(symbolKey(symbol)))];
    return merged.slice(0, SYMBOL_LIMIT);
  }

  private async scannedSymbols(instance: Instance, query: string): Promise<SymbolDto[]> {
    const files = await this.projects.started(instance);
    const symbols = instance.getOrCreate(
      SYMBOL_INDEX,
      () =>
        new SymbolIndex({
          root: files.root,
          listFiles: () => files.index.listFiles(),
          subscribe: (listener) => files.watcher.subscribe(listener),
        }),
      (index) => index.close(),
    );
    return symbols.search(query);
  }

  /**
   * The instance's text search. The watcher tells it which files changed, so it keeps file
   * contents between searches; a change is seen once the watcher reports it (milliseconds).
   */
  private textSearch(instance: Instance, files: ProjectFiles): TextSearch {
    return instance.getOrCreate(
      TEXT_SEARCH,
      () =>
        new TextSearch(files.index, {
          timeoutMs: this.options.textTimeoutMs,
          watch: (listener) =>
            files.watcher.subscribe(({ file }) =>
              listener(path.relative(files.root, file).split(path.sep).join('/')),
            ),
        }),
      (search) => search.close(),
    );
  }
}

/** A declaration's identity across sources: servers' ranges span it, the scan's its name. */
function symbolKey(symbol: SymbolDto): string {
  return `${symbol.location.uri}:${symbol.location.range.start.line}:${symbol.name}`;
}
