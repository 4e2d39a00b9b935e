import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileWatcherEvent } from '../file/engine/file-watcher';
import { removeDir, tempDir, writeTree } from '../core/fs/spec-fixtures';
import { SymbolIndex } from './symbol-index';

describe('SymbolIndex', () => {
  let root: string;
  let files: string[];
  let listeners: Array<(event: FileWatcherEvent) => void>;
  let index: SymbolIndex;

  const emit = (rel: string, event: FileWatcherEvent['event']) => {
    for (const listener of listeners) listener({ file: path.join(root, rel), event });
  };
  const names = async (query: string) => (await index.search(query)).map((s) => s.name);

  beforeEach(() => {
    root = tempDir('symbols-');
    writeTree(root, {
      'src/a.ts': 'export class AlphaStore {}\nexport function alphaHelper() {}\n',
      'src/b.py': 'class BetaModel:\n    def beta_method(self): pass\n',
      'README.md': 'function NotCode() {}\n',
      'huge.js': `function Huge() {}\n${'x'.repeat(1024 * 1024)}`,
    });
    files = ['README.md', 'huge.js', 'src/a.ts', 'src/b.py'];
    listeners = [];
    index = new SymbolIndex({
      root,
      listFiles: () => files,
      subscribe: (listener) => {
        listeners.push(listener);
        return () => {
          listeners = listeners.filter((l) => l !== listener);
        };
      },
    });
  });

  afterEach(() => {
    index.close();
    removeDir(root);
  });

  it('answers LSP symbols for fuzzy name matches, best first', async () => {
    const [best] = await index.search('AlphaStore');
    expect(best).toEqual({
      name: 'AlphaStore',
      kind: 5,
      location: {
        uri: pathToFileURL(path.join(root, 'src/a.ts')).href,
        range: { start: { line: 0, character: 13 }, end: { line: 0, character: 23 } },
      },
    });
    expect(await names('alpha')).toEqual(expect.arrayContaining(['AlphaStore', 'alphaHelper']));
    expect(await names('beta')).toEqual(expect.arrayContaining(['BetaModel', 'beta_method']));
  });

  it('skips files it cannot parse as code and files over 1 MB', async () => {
    expect(await names('NotCode')).toEqual([]);
    expect(await names('Huge')).toEqual([]);
  });

  it('lists symbols in file order for an empty query, capped', async () => {
    expect(await names('')).toEqual(['AlphaStore', 'alphaHelper', 'BetaModel', 'beta_method']);
    expect(await index.search('', 2)).toHaveLength(2);
  });

  it('rescans only files the watcher reports, and forgets removed ones', async () => {
    expect(await names('Gamma')).toEqual([]);
    writeFileSync(path.join(root, 'src/a.ts'), 'export class GammaStore {}\n');
    // Not reported yet: the remembered declarations stand.
    expect(await names('Gamma')).toEqual([]);
    emit('src/a.ts', 'change');
    expect(await names('Gamma')).toEqual(['GammaStore']);
    expect(await names('AlphaStore')).toEqual([]);

    writeTree(root, { 'src/new.go': 'func DeltaRun() {}\n' });
    files = [...files, 'src/new.go'];
    expect(await names('DeltaRun')).toEqual(['DeltaRun']);

    rmSync(path.join(root, 'src/b.py'));
    files = files.filter((f) => f !== 'src/b.py');
    emit('src/b.py', 'unlink');
    expect(await names('BetaModel')).toEqual([]);
  });

  it('stops listening when closed', () => {
    index.close();
    expect(listeners).toHaveLength(0);
  });
});
