import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ProjectFiles } from './project-files';
import { gitRepo, removeDir } from '../../core/fs/spec-fixtures';

describe('ProjectFiles', () => {
  let root: string;
  let files: ProjectFiles;

  beforeEach(async () => {
    root = gitRepo({
      '.gitignore': '*.log\n',
      'src/a.ts': 'a\n',
      'dist/out.js': 'o\n',
      'x.log': '',
    });
    files = new ProjectFiles(root, { watcherIgnore: ['dist/'] });
    await files.start();
  });

  afterEach(async () => {
    await files.close();
    removeDir(root);
  });

  it('wires listing, reading, status and the index over one project', async () => {
    const listing = await files.lister.list('');
    // watcher.ignore keeps dist out of the index, but listings only mark gitignored entries.
    expect(listing.find((n) => n.name === 'dist')?.ignored).toBe(false);
    expect(listing.find((n) => n.name === 'x.log')?.ignored).toBe(true);
    expect(files.index.listFiles()).toEqual(['.gitignore', 'src/a.ts']);
    await expect(files.reader.read('src/a.ts')).resolves.toEqual({ type: 'text', content: 'a\n' });
    await expect(files.status.status()).resolves.toEqual([]);
  });

  it('keeps listings current when a .gitignore changes', async () => {
    writeFileSync(path.join(root, '.gitignore'), 'src/\n');
    const deadline = Date.now() + 5000;
    let ignored: boolean | undefined;
    while (Date.now() < deadline) {
      ignored = (await files.lister.list('')).find((n) => n.name === 'src')?.ignored;
      if (ignored) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(ignored).toBe(true);
    expect(files.index.listFiles()).not.toContain('src/a.ts');
  });
});
