import { matchesWildcard } from './wildcard';

export const PERMISSION_ACTIONS = ['allow', 'ask', 'deny'] as const;
export type PermissionAction = (typeof PERMISSION_ACTIONS)[number];

/** One rule as the reference's `PermissionRule`: later rules win over earlier ones. */
export interface PermissionRule {
  permission: string;
  pattern: string;
  action: PermissionAction;
}

/** The config's `permission` value: one action for everything, or per permission. */
export type PermissionConfig =
  PermissionAction | Record<string, PermissionAction | Record<string, PermissionAction>>;

/**
 * What holds when nothing is configured: tools act freely inside the project, but leaving the
 * project and repeating the same call over and over are confirmed with the user.
 */
export const DEFAULT_RULES: readonly PermissionRule[] = [
  { permission: '*', pattern: '*', action: 'allow' },
  { permission: 'external_directory', pattern: '*', action: 'ask' },
  { permission: 'doom_loop', pattern: '*', action: 'ask' },
];

/** Flattens a config `permission` value into rules, in the order they were written. */
export function rulesFromConfig(config: PermissionConfig | undefined): PermissionRule[] {
  if (config === undefined) return [];
  if (typeof config === 'string') return [{ permission: '*', pattern: '*', action: config }];
  const rules: PermissionRule[] = [];
  for (const [permission, value] of Object.entries(config)) {
    if (typeof value === 'string') {
      rules.push({ permission, pattern: '*', action: value });
      continue;
    }
    for (const [pattern, action] of Object.entries(value))
      rules.push({ permission, pattern, action });
  }
  return rules;
}

/** The action for one permission and pattern: the last matching rule decides. */
export function evaluate(
  rules: readonly PermissionRule[],
  permission: string,
  pattern: string,
): PermissionAction {
  for (let index = rules.length - 1; index >= 0; index--) {
    const rule = rules[index];
    if (matchesWildcard(rule.permission, permission) && matchesWildcard(rule.pattern, pattern))
      return rule.action;
  }
  return 'ask';
}
