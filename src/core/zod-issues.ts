import type { z } from 'zod';

/** The first schema issue as a key path and a sentence, looking inside unions for the deepest. */
export function describeIssue(issues: readonly z.core.$ZodIssue[]): {
  path: PropertyKey[];
  message: string;
} {
  const issue = issues[0];
  if (issue.code === 'unrecognized_keys') {
    return {
      path: [...issue.path, issue.keys[0]],
      message: `is not a known key${issue.keys.length > 1 ? ` (nor ${issue.keys.slice(1).join(', ')})` : ''}`,
    };
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Each branch failed; the branch that got furthest into the value says what is wrong.
    const deepest = issue.errors
      .filter((branch) => branch.length > 0)
      .map((branch) => describeIssue(branch))
      .sort((a, b) => b.path.length - a.path.length)[0];
    if (deepest && deepest.path.length > 0) {
      return { path: [...issue.path, ...deepest.path], message: deepest.message };
    }
    // No branch got inside the value: what the first alternative expected is the clearest.
    if (deepest) return { path: [...issue.path], message: deepest.message };
  }
  return { path: [...issue.path], message: issue.message };
}

/**
 * The field an issue at `path` is about, named as the DTO validation names fields: declared
 * properties and indexes of object arrays (`config.oauth.callbackPort`, `parts.0.text`), not the
 * keys of an open map nor the indexes of a list of strings (`environment.A` is a bad value of
 * `environment`), and not the discriminator of a union whose members it names none of (the
 * union's own field is wrong).
 */
export function fieldOf(schema: z.ZodType, issue: z.core.$ZodIssue, path: PropertyKey[]): string {
  const named: PropertyKey[] = [];
  let current: z.core.$ZodType | undefined = schema;
  for (const key of path) {
    if (current && !namesFields(current)) break;
    named.push(key);
    current = current && childOf(current, key);
  }
  if (
    issue.code === 'invalid_union' &&
    'discriminator' in issue &&
    named.length === path.length &&
    named.at(-1) === issue.discriminator
  ) {
    named.pop();
  }
  return named.map(String).join('.');
}

/**
 * Whether the keys inside values of `schema` name fields: an object's properties do, and an
 * array's indexes when its items are objects; a map's keys and a list of plain values' indexes
 * do not (the map or list is the field, as for the DTO validation).
 */
function namesFields(schema: z.core.$ZodType): boolean {
  const def = unwrap(schema)._zod.def;
  if (def.type === 'record') return false;
  if (def.type !== 'array') return true;
  const item = unwrap((def as z.core.$ZodArrayDef).element)._zod.def.type;
  return item === 'object' || item === 'union';
}

/** The schema inside optional, nullable, default and pipe wrappers. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  const def = schema._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return unwrap((def as z.core.$ZodOptionalDef).innerType);
    case 'pipe':
      return unwrap((def as z.core.$ZodPipeDef).in);
    default:
      return schema;
  }
}

/** The schema of `key` inside `schema`, when it can be followed (undeclared keys cannot). */
function childOf(schema: z.core.$ZodType, key: PropertyKey): z.core.$ZodType | undefined {
  const def = unwrap(schema)._zod.def;
  switch (def.type) {
    case 'object':
      return (def as z.core.$ZodObjectDef).shape[String(key)];
    case 'array':
      return (def as z.core.$ZodArrayDef).element;
    case 'union':
      for (const option of (def as z.core.$ZodUnionDef).options) {
        const child = childOf(option, key);
        if (child) return child;
      }
      return undefined;
    default:
      return undefined;
  }
}
