/** A skill as `GET /skill` lists it (the reference's `Skill.Info`). */
export interface SkillInfo {
  name: string;
  /** What the skill is for; a skill without one is listed but never offered to the model. */
  description?: string;
  /** The absolute path of its `SKILL.md`, or {@link BUILT_IN_LOCATION}. */
  location: string;
  /** The markdown body of the file, front matter removed, as written. */
  content: string;
}

/** The `location` of a skill shipped with the server, as the reference reports its own. */
export const BUILT_IN_LOCATION = '<built-in>';
