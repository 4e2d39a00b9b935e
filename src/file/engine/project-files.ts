import * as path from 'node:path';
import { FileIndex } from './file-index';
import { FileLister } from './file-lister';
import { FileReader, type FileReaderOptions } from './file-reader';
import { FileWatcher } from './file-watcher';
import { GitStatus } from './git-status';
import { IGNORE_FILE_NAMES, IgnoreRules } from '../../core/fs/ignore-rules';
import { ProjectJail } from '../../core/fs/jail';

export interface ProjectFilesOptions extends FileReaderOptions {
  /** The config's `watcher.ignore`: gitignore-syntax patterns left out of the watch and index. */
  watcherIgnore?: readonly string[];
  /** Watch failures; the watcher keeps going with what it can. */
  onWatchError?: (error: Error) => void;
}

/**
 * The file engine of one project directory, over the file-system layer (`core/fs`: its jail,
 * ignore rules and git runner), wired once: `GET /file` reports `ignored` from the project's own
 * ignore files only, while the index (`/find/file`, `/find`) and the watcher also leave out
 * `watcher.ignore`; a rule file change seen by the watcher reaches both rule sets. Text search
 * (find/engine) runs over `index`.
 */
export class ProjectFiles {
  readonly jail: ProjectJail;
  readonly lister: FileLister;
  readonly reader: FileReader;
  readonly status: GitStatus;
  readonly index: FileIndex;
  readonly watcher: FileWatcher;

  constructor(
    readonly root: string,
    options: ProjectFilesOptions = {},
  ) {
    this.jail = new ProjectJail(root);
    const listRules = new IgnoreRules(root);
    this.lister = new FileLister(this.jail, listRules);
    this.reader = new FileReader(this.jail, options);
    this.status = new GitStatus(root);
    const indexRules = new IgnoreRules(root, { extraPatterns: options.watcherIgnore });
    this.index = new FileIndex(root, indexRules);
    this.watcher = new FileWatcher(root, indexRules, {
      index: this.index,
      onError: options.onWatchError,
    });
    this.watcher.subscribe(({ file }) => {
      if ((IGNORE_FILE_NAMES as readonly string[]).includes(path.basename(file))) {
        listRules.invalidate(path.relative(root, file).split(path.sep).join('/'));
      }
    });
  }

  /** Starts the watch and the first walk together, so nothing changes unseen in between. */
  async start(): Promise<void> {
    await Promise.all([this.watcher.start(), this.index.ready()]);
  }

  async close(): Promise<void> {
    await this.watcher.close();
  }
}
