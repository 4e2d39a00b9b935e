import { appendFileSync, mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FileIndex } from './file-index';
import { FileWatcher, type FileWatcherEvent } from './file-watcher';
import { IgnoreRules } from '../../core/fs/ignore-rules';
import { git, gitRepo, removeDir, tempDir, writeTree } from '../../core/fs/spec-fixtures';

/** Polls until `check` passes or the time is up, then asserts it one last time. */
async function eventually(check: () => void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('FileWatcher', () => {
  let root: string;
  let rules: IgnoreRules;
  let index: FileIndex;
  let watcher: FileWatcher;
  let events: FileWatcherEvent[];
  let errors: Error[];

  beforeEach(async () => {
    root = gitRepo({
      '.gitignore': 'node_modules/\n*.log\n',
      'src/main.ts': 'export {};\n',
      'node_modules/pkg/index.js': '',
      'tmp/keep.txt': '',
    });
    rules = new IgnoreRules(root, { extraPatterns: ['tmp/'] });
    index = new FileIndex(root, rules);
    errors = [];
    watcher = new FileWatcher(root, rules, { index, onError: (e) => errors.push(e) });
    events = [];
    watcher.subscribe((event) => events.push(event));
    await Promise.all([index.ready(), watcher.start()]);
  });

  afterEach(async () => {
    await watcher.close();
    removeDir(root);
    expect(errors).toEqual([]);
  });

  const abs = (rel: string) => path.join(root, rel);

  it('reports added, changed and removed files and keeps the index current', async () => {
    writeFileSync(abs('src/new.ts'), 'x\n');
    await eventually(() =>
      expect(events).toContainEqual({ file: abs('src/new.ts'), event: 'add' }),
    );
    expect(index.search('new.ts')).toEqual(['src/new.ts']);

    appendFileSync(abs('src/new.ts'), 'y\n');
    await eventually(() =>
      expect(events).toContainEqual({ file: abs('src/new.ts'), event: 'change' }),
    );

    unlinkSync(abs('src/new.ts'));
    await eventually(() =>
      expect(events).toContainEqual({ file: abs('src/new.ts'), event: 'unlink' }),
    );
    expect(index.listFiles()).not.toContain('src/new.ts');
  });

  it('indexes new directories with their contents and forgets removed ones', async () => {
    mkdirSync(abs('lib/deep'), { recursive: true });
    writeFileSync(abs('lib/deep/a.ts'), '');
    await eventually(() => expect(index.listFiles()).toContain('lib/deep/a.ts'));
    expect(index.listDirs()).toEqual(expect.arrayContaining(['lib/', 'lib/deep/']));

    rmSync(abs('lib'), { recursive: true });
    await eventually(() => expect(index.listDirs()).not.toContain('lib/'));
    expect(index.listFiles()).not.toContain('lib/deep/a.ts');
  });

  it('stays silent about ignored paths, .git internals and extra patterns', async () => {
    writeFileSync(abs('node_modules/pkg/other.js'), '');
    writeFileSync(abs('debug.log'), '');
    writeFileSync(abs('tmp/scratch.txt'), '');
    writeFileSync(abs('.git/description'), 'changed');
    writeFileSync(abs('src/marker.ts'), '');
    await eventually(() =>
      expect(events).toContainEqual({ file: abs('src/marker.ts'), event: 'add' }),
    );
    await settle();
    expect(events).toEqual([{ file: abs('src/marker.ts'), event: 'add' }]);
    expect(index.listFiles()).not.toContain('debug.log');
  });

  it('follows changes of .gitignore: newly ignored paths leave, newly allowed ones are watched', async () => {
    writeFileSync(abs('.gitignore'), '*.log\nsrc/\n');
    await eventually(() => expect(index.listFiles()).not.toContain('src/main.ts'));
    await eventually(() => expect(index.listFiles()).toContain('node_modules/pkg/index.js'));

    writeFileSync(abs('node_modules/pkg/added.js'), '');
    await eventually(() =>
      expect(events).toContainEqual({ file: abs('node_modules/pkg/added.js'), event: 'add' }),
    );
    expect(index.listFiles()).toContain('node_modules/pkg/added.js');

    events.length = 0;
    writeFileSync(abs('src/ignored-now.ts'), '');
    writeFileSync(abs('node_modules/marker.js'), '');
    await eventually(() =>
      expect(events).toContainEqual({ file: abs('node_modules/marker.js'), event: 'add' }),
    );
    await settle();
    expect(events.map((e) => e.file)).not.toContain(abs('src/ignored-now.ts'));
  });

  it('indexes new symlinks only when they point at a file inside the project', async () => {
    const outside = tempDir('watch-outside-');
    try {
      writeTree(outside, { 'secret.txt': 'secret' });
      symlinkSync(path.join(outside, 'secret.txt'), abs('leak.txt'));
      symlinkSync(outside, abs('leakdir'));
      symlinkSync(abs('src/main.ts'), abs('alias.ts'));
      await eventually(() => expect(index.listFiles()).toContain('alias.ts'));
      await eventually(() => expect(events).toContainEqual({ file: abs('leakdir'), event: 'add' }));
      await settle();
      expect(index.listFiles()).not.toContain('leak.txt');
      expect(index.listFiles()).not.toContain('leakdir');
      expect(index.listDirs()).not.toContain('leakdir/');
    } finally {
      removeDir(outside);
    }
  });

  it('reports branch switches as a change of .git/HEAD', async () => {
    git(root, 'checkout', '-q', '-b', 'feature');
    await eventually(() =>
      expect(events.some((e) => e.file === abs('.git/HEAD') && e.event !== 'unlink')).toBe(true),
    );
  });

  it('stops reporting once closed', async () => {
    await watcher.close();
    writeFileSync(abs('src/after-close.ts'), '');
    await settle();
    expect(events).toEqual([]);
  });
});
