import { matchesWildcard } from './wildcard';

/** In the reference's order (its `PermissionAction` enum). */
export const PERMISSION_ACTIONS = ['allow', 'deny', 'ask'] as const;
export type PermissionAction = (typeof PERMISSION_ACTIONS)[number];

/**
 * One rule as the reference's `PermissionRule`. An agent's ruleset (defaults, then config, then
 * the agent's own, see `AgentService`) is ordered: later rules win over earlier ones.
 */
export interface PermissionRule {
  permission: string;
  pattern: string;
  action: PermissionAction;
}

/** The action for one permission and pattern: the last matching rule decides; none means ask. */
export function evaluate(
  rules: readonly PermissionRule[],
  permission: string,
  pattern: string,
): PermissionAction {
  for (let index = rules.length - 1; index >= 0; index--) {
    const rule = rules[index];
    if (matchesWildcard(rule.permission, permission) && matchesWildcard(rule.pattern, pattern)) {
      return rule.action;
    }
  }
  return 'ask';
}
