import { Injectable, Logger } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { AppEnvironment } from '../core/config/app-environment';
import type { Instance } from '../core/instance/instance';
import { ConfigService } from '../config/config.service';
import { evaluate, type PermissionRule } from '../permission/permission-rules';
import { findSkillFiles, mergeSkills, parseSkillFile, type SkillProblem } from './skill-discovery';
import {
  CUSTOMIZE_OPENCODE_CONTENT,
  CUSTOMIZE_OPENCODE_DESCRIPTION,
  CUSTOMIZE_OPENCODE_NAME,
} from './skill.prompts';
import { BUILT_IN_LOCATION, type SkillInfo } from './skill.types';

/** Per instance: the problem last reported for each skipped path, so each is logged once. */
const REPORTED_PROBLEMS = Symbol('skill.reported-problems');

const BUILT_IN_SKILLS: readonly SkillInfo[] = [
  {
    name: CUSTOMIZE_OPENCODE_NAME,
    description: CUSTOMIZE_OPENCODE_DESCRIPTION,
    location: BUILT_IN_LOCATION,
    content: CUSTOMIZE_OPENCODE_CONTENT,
  },
];

/**
 * Skills: instructions packaged as `SKILL.md` files that the model loads with the `skill` tool
 * and users run as slash commands. The built-in one comes first; the files (see
 * `findSkillFiles` for where and in which order) may replace it.
 *
 * Deliberate difference: the reference reads skills once per instance, so a new or edited skill
 * needs a restart; here they are read on every use (a few directory reads and small files), so
 * a skill written during a session can be loaded in its next turn.
 */
@Injectable()
export class SkillService {
  private readonly logger = new Logger('Skill');

  constructor(
    private readonly env: AppEnvironment,
    private readonly config: ConfigService,
  ) {}

  /** Every skill of the instance's directory, in the order they were found. */
  async list(instance: Instance): Promise<SkillInfo[]> {
    const config = await this.config.get(instance);
    const problems: SkillProblem[] = [];
    const files = await findSkillFiles(
      {
        home: this.env.paths.home,
        globalConfigDir: this.env.paths.config,
        directory: instance.directory,
        worktree: instance.worktree,
        paths: config.skills?.paths ?? [],
      },
      problems,
    );
    const parsed = await Promise.all(
      files.map(async (file) => {
        const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
          problems.push({ path: file, message: `cannot be read (${error.code ?? 'error'})` });
          return undefined;
        });
        if (text === undefined) return undefined;
        const skill = parseSkillFile(file, text);
        if (typeof skill === 'string') problems.push({ path: file, message: skill });
        return typeof skill === 'string' ? undefined : skill;
      }),
    );
    const found = parsed.filter((skill) => skill !== undefined);
    this.report(instance, problems, found);
    return mergeSkills([...BUILT_IN_SKILLS, ...found]);
  }

  /**
   * The skills as the v2 API lists them: the same skills, a built-in one located at
   * `/builtin/<name>.md` as the reference's v2 listing reports its own.
   */
  async listV2(instance: Instance): Promise<SkillInfo[]> {
    const skills = await this.list(instance);
    return skills.map((skill) =>
      skill.location === BUILT_IN_LOCATION
        ? { ...skill, location: `/builtin/${skill.name}.md` }
        : skill,
    );
  }

  async get(instance: Instance, name: string): Promise<SkillInfo | undefined> {
    return (await this.list(instance)).find((skill) => skill.name === name);
  }

  /**
   * The skills an agent may load, by name: those its rules do not deny for the `skill`
   * permission (with the skill's name as the pattern).
   */
  async available(instance: Instance, rules: readonly PermissionRule[]): Promise<SkillInfo[]> {
    const skills = await this.list(instance);
    return skills
      .filter((skill) => evaluate(rules, 'skill', skill.name) !== 'deny')
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Logs each skipped file (or `skills.paths` entry) once per problem: skills are read on every
   * use, and a broken file should not add a warning to every turn. A file that loads again is
   * forgotten, so breaking it anew is reported anew.
   */
  private report(instance: Instance, problems: SkillProblem[], loaded: SkillInfo[]): void {
    const reported = instance.getOrCreate(REPORTED_PROBLEMS, () => new Map<string, string>());
    for (const skill of loaded) reported.delete(skill.location);
    for (const { path, message } of problems) {
      if (reported.get(path) === message) continue;
      reported.set(path, message);
      this.logger.warn(`skill skipped: ${path}: ${message}`);
    }
  }
}
