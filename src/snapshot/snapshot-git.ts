/**
 * Variables that point git at another repository, index or object store
 * (`git rev-parse --local-env-vars`). A server started from a git hook or an editor's terminal
 * may carry them; left in, they would send snapshot writes into the user's own repository.
 */
const REPOSITORY_VARIABLES = new Set([
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_CONFIG',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
  'GIT_OBJECT_DIRECTORY',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_GRAFT_FILE',
  'GIT_INDEX_FILE',
  'GIT_NO_REPLACE_OBJECTS',
  'GIT_REPLACE_REF_BASE',
  'GIT_PREFIX',
  'GIT_INTERNAL_SUPER_PREFIX',
  'GIT_SHALLOW_FILE',
  'GIT_COMMON_DIR',
]);

/** The environment for snapshot git commands: the server's, without repository overrides. */
export function snapshotGitEnv(
  variables: Readonly<Record<string, string | undefined>>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(variables)) {
    if (value !== undefined && !REPOSITORY_VARIABLES.has(name)) env[name] = value;
  }
  return env;
}

/** Splits `-z` output into its NUL-terminated fields. */
export function splitNul(output: Buffer): string[] {
  return output
    .toString('utf8')
    .split('\0')
    .filter((field) => field.length > 0);
}

/** One object of `git cat-file --batch` output; `undefined` when git reported it missing. */
export function parseCatFileBatch(output: Buffer, count: number): Array<Buffer | undefined> {
  const objects: Array<Buffer | undefined> = [];
  let offset = 0;
  for (let i = 0; i < count && offset < output.length; i++) {
    const end = output.indexOf(0x0a, offset);
    if (end < 0) break;
    const header = output.subarray(offset, end).toString('utf8');
    offset = end + 1;
    const match = /^[0-9a-f]+ \S+ (\d+)$/.exec(header);
    if (!match) {
      // "<name> missing" or "<name> ambiguous": no content follows.
      objects.push(undefined);
      continue;
    }
    const size = Number(match[1]);
    objects.push(output.subarray(offset, offset + size));
    offset += size + 1;
  }
  while (objects.length < count) objects.push(undefined);
  return objects;
}
