import { join } from 'node:path';
import type { PermissionActionConfig, PermissionConfig } from '../config/config.schema';
import type { PermissionRule } from '../permission/permission-rules';

export type { PermissionRule };

/**
 * A config `permission` value as rules, in the order written: `"ask"` is one rule for every
 * permission; `{ bash: "ask" }` one rule for every pattern of `bash`; `{ bash: { "git *": "allow" } }`
 * one rule per pattern. `~/` and `$HOME/` in patterns mean the home directory, as the reference.
 */
export function rulesFromConfig(
  permission: PermissionConfig | undefined,
  home: string,
): PermissionRule[] {
  if (permission === undefined) return [];
  if (typeof permission === 'string')
    return [{ permission: '*', pattern: '*', action: permission }];
  const rules: PermissionRule[] = [];
  for (const [name, value] of Object.entries(permission)) {
    if (value === undefined) continue;
    if (typeof value === 'string') {
      rules.push({ permission: name, pattern: '*', action: value });
      continue;
    }
    for (const [pattern, action] of Object.entries(value)) {
      rules.push({ permission: name, pattern: expandHome(pattern, home), action });
    }
  }
  return rules;
}

/**
 * The legacy `tools: { write: false }` switches as permissions, as the reference converts them:
 * the file-changing tools (`write`, `edit`, `patch`, `multiedit`) all map to `edit`.
 */
export function permissionFromTools(
  tools: Record<string, boolean> | undefined,
): Record<string, PermissionActionConfig> {
  const permission: Record<string, PermissionActionConfig> = {};
  for (const [tool, enabled] of Object.entries(tools ?? {})) {
    const action = enabled ? 'allow' : 'deny';
    const name = ['write', 'edit', 'patch', 'multiedit'].includes(tool) ? 'edit' : tool;
    permission[name] = action;
  }
  return permission;
}

function expandHome(pattern: string, home: string): string {
  if (pattern.startsWith('~/')) return join(home, pattern.slice(2));
  if (pattern.startsWith('$HOME/')) return join(home, pattern.slice('$HOME/'.length));
  return pattern;
}
