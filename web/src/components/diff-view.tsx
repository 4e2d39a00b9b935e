import type { SnapshotFileDiff } from '@opencode-ai/sdk/v2/client';

interface DiffViewProps {
  diffs: SnapshotFileDiff[] | undefined;
  reverted: boolean;
  onUnrevert: () => void;
  onClose: () => void;
}

/** The files the session changed, each as a unified diff (`GET /session/:id/diff`). */
export function DiffView({ diffs, reverted, onUnrevert, onClose }: DiffViewProps) {
  return (
    <aside class="diff-panel" data-testid="diff-view" aria-label="Changed files">
      <header class="panel-head">
        <strong>Changes</strong>
        {diffs && (
          <span class="muted">
            {diffs.length} {diffs.length === 1 ? 'file' : 'files'}
          </span>
        )}
        {reverted && (
          <button type="button" onClick={onUnrevert}>
            Unrevert
          </button>
        )}
        <button type="button" class="link" aria-label="Close changes" onClick={onClose}>
          Close <kbd>Alt+D</kbd>
        </button>
      </header>
      {diffs === undefined && <p class="muted">Loading…</p>}
      {diffs?.length === 0 && <p class="muted">No file changed in this session.</p>}
      {diffs?.map((diff, index) => (
        <details class="file-diff" key={diff.file ?? index} open>
          <summary>
            <span class={`badge ${diff.status ?? 'modified'}`}>{diff.status ?? 'modified'}</span>
            <span class="path">{diff.file}</span>
            <span class="added">+{diff.additions}</span>
            <span class="removed">-{diff.deletions}</span>
          </summary>
          <pre class="patch">
            {patchLines(diff.patch ?? '').map((line, n) => (
              <div key={n} class={line.kind}>
                {line.text}
              </div>
            ))}
          </pre>
        </details>
      ))}
    </aside>
  );
}

export interface PatchLine {
  kind: 'add' | 'del' | 'hunk' | 'meta' | 'ctx';
  text: string;
}

/** A unified diff's lines, classified for colouring; the `---`/`+++` headers are dropped. */
export function patchLines(patch: string): PatchLine[] {
  const lines: PatchLine[] = [];
  for (const text of patch.split('\n')) {
    if (text.startsWith('+++') || text.startsWith('---')) continue;
    if (text.startsWith('Index: ') || /^={3,}$/.test(text)) continue;
    if (text.startsWith('@@')) lines.push({ kind: 'hunk', text });
    else if (text.startsWith('+')) lines.push({ kind: 'add', text });
    else if (text.startsWith('-')) lines.push({ kind: 'del', text });
    else if (text.startsWith('\\')) lines.push({ kind: 'meta', text });
    else lines.push({ kind: 'ctx', text });
  }
  while (lines.length > 0 && lines[lines.length - 1]!.text === '') lines.pop();
  return lines;
}
