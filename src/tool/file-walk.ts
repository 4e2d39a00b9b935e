// The walk and glob moved to the file-system layer (`core/fs/walk`, `core/fs/glob`). Kept only
// until `agent-loop/instructions.ts`, which is being moved by another change right now, imports
// them from there.
export { splitGlobBase } from '../core/fs/glob';
export { globFiles } from '../core/fs/walk';
