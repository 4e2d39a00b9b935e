import type { SnapshotFileDiffDto } from '../session/dto/session.dto';

/** One file changed between two snapshots, as the reference's `SnapshotFileDiff`. */
export interface FileDiff extends SnapshotFileDiffDto {
  /** Path relative to the snapshot's root (the worktree), with `/` separators. */
  file: string;
  status: 'added' | 'deleted' | 'modified';
}

/**
 * Files changed since a snapshot, as a `patch` part stores them: `hash` is the snapshot the
 * files can be put back from; `files` are absolute paths.
 */
export interface SnapshotPatch {
  hash: string;
  files: string[];
}
