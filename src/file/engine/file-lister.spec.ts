import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { FileNotFoundError, PathOutsideProjectError } from '../../core/fs/errors';
import { FileLister } from './file-lister';
import { IgnoreRules } from '../../core/fs/ignore-rules';
import { ProjectJail } from '../../core/fs/jail';
import { gitRepo, removeDir, tempDir, writeTree } from '../../core/fs/spec-fixtures';

describe('FileLister', () => {
  let root: string;
  let outside: string;
  let lister: FileLister;

  beforeAll(() => {
    outside = tempDir('lister-outside-');
    root = gitRepo({
      '.gitignore': 'node_modules/\n*.log\n',
      'b.txt': '',
      'A.md': '',
      'z/x.ts': '',
      'src/.gitignore': 'gen/\n',
      'src/gen/out.ts': '',
      'src/main.ts': '',
      'node_modules/p/i.js': '',
      'err.log': '',
      'ünï/файл.txt': '',
    });
    writeTree(root, { '.DS_Store': '' });
    mkdirSync(path.join(root, 'empty'));
    symlinkSync(path.join(root, 'z'), path.join(root, 'zlink'));
    symlinkSync(outside, path.join(root, 'out-link'));
    lister = new FileLister(new ProjectJail(root), new IgnoreRules(root));
  });

  afterAll(() => {
    removeDir(root);
    removeDir(outside);
  });

  it('lists one directory: directories first, then by name, with ignored flags', async () => {
    const nodes = await lister.list('');
    expect(nodes.map((n) => [n.name, n.type, n.ignored])).toEqual([
      ['empty', 'directory', false],
      ['node_modules', 'directory', true],
      ['out-link', 'directory', false],
      ['src', 'directory', false],
      ['ünï', 'directory', false],
      ['z', 'directory', false],
      ['zlink', 'directory', false],
      ['.gitignore', 'file', false],
      ['A.md', 'file', false],
      ['b.txt', 'file', false],
      ['err.log', 'file', true],
    ]);
    expect(nodes.find((n) => n.name === 'src')).toEqual({
      name: 'src',
      path: 'src',
      absolute: path.join(root, 'src'),
      type: 'directory',
      ignored: false,
    });
  });

  it('lists subdirectories with project-relative paths and nested rules', async () => {
    await expect(lister.list('src')).resolves.toEqual([
      {
        name: 'gen',
        path: 'src/gen',
        absolute: path.join(root, 'src/gen'),
        type: 'directory',
        ignored: true,
      },
      {
        name: '.gitignore',
        path: 'src/.gitignore',
        absolute: path.join(root, 'src/.gitignore'),
        type: 'file',
        ignored: false,
      },
      {
        name: 'main.ts',
        path: 'src/main.ts',
        absolute: path.join(root, 'src/main.ts'),
        type: 'file',
        ignored: false,
      },
    ]);
    await expect(lister.list('node_modules/p')).resolves.toEqual([
      expect.objectContaining({ path: 'node_modules/p/i.js', ignored: true }),
    ]);
    await expect(lister.list('ünï')).resolves.toEqual([
      expect.objectContaining({ name: 'файл.txt', path: 'ünï/файл.txt' }),
    ]);
    await expect(lister.list('zlink')).resolves.toEqual([
      expect.objectContaining({
        name: 'x.ts',
        path: 'zlink/x.ts',
        absolute: path.join(root, 'zlink/x.ts'),
      }),
    ]);
  });

  it('refuses missing paths, files and anything outside the project', async () => {
    await expect(lister.list('missing')).rejects.toBeInstanceOf(FileNotFoundError);
    await expect(lister.list('b.txt')).rejects.toBeInstanceOf(FileNotFoundError);
    await expect(lister.list('..')).rejects.toBeInstanceOf(PathOutsideProjectError);
    await expect(lister.list('/')).rejects.toBeInstanceOf(PathOutsideProjectError);
    await expect(lister.list('out-link')).rejects.toBeInstanceOf(PathOutsideProjectError);
  });
});
