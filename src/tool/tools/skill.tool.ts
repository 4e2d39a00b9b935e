import { dirname } from 'node:path';
import { z } from 'zod';
import type { Instance } from '../../core/instance/instance';
import { BUILT_IN_LOCATION, type SkillInfo } from '../../skill/skill.types';
import { isInside } from '../../core/fs/jail';
import { walkFiles } from '../../core/fs/walk';
import { defineTool, ToolDefinition, ToolExecutionError } from '../tool.types';

/** How many of a skill's other files the output lists, as the reference. */
export const SKILL_FILES_SAMPLE = 10;

/** Where the tool looks skills up when it runs (the skill service). */
export interface SkillCatalogue {
  list(instance: Instance): Promise<SkillInfo[]>;
}

const INTRODUCTION = `Loads a skill into this conversation: instructions for one kind of task, sometimes with scripts or reference files next to them. When the task in front of you matches the description of a skill below, load that skill first and follow it. The result holds the skill's instructions, the folder its files are in, and some of those files.

Give the skill's name exactly as listed.`;

/**
 * The `skill` tool. `offered` are the skills the turn's agent may load, listed in the
 * description (those without a description are left out, as the reference does); the skill
 * named in a call is looked up when it runs, among all skills, and the `skill` permission is
 * asked with its name as the pattern.
 *
 * Deliberate difference: the reference lists the skills in the system prompt and its tool
 * description points there; here the list is part of the tool's own description, so it goes
 * wherever the tool goes.
 */
export function createSkillTool(offered: SkillInfo[], skills: SkillCatalogue): ToolDefinition {
  return defineTool({
    id: 'skill',
    readOnly: true,
    description: `${INTRODUCTION}\n\n${catalogue(offered)}`,
    parameters: z.object({
      name: z.string().describe('The name of the skill, as listed in available_skills'),
    }),
    async execute(input, ctx) {
      const all = await skills.list(ctx.instance);
      const skill = all.find((candidate) => candidate.name === input.name);
      if (!skill) {
        const names = all.map((candidate) => candidate.name).sort();
        throw new ToolExecutionError(
          `Skill "${input.name}" not found. Available skills: ${names.join(', ') || 'none'}`,
        );
      }
      await ctx.ask({
        permission: 'skill',
        patterns: [skill.name],
        always: [skill.name],
        metadata: {},
      });
      const body = [`<skill_content name="${escapeXml(skill.name)}">`, `# Skill: ${skill.name}`];
      body.push('', skill.content.trim());
      // A built-in skill has no folder (the reference lists its own working directory instead).
      if (skill.location === BUILT_IN_LOCATION) {
        body.push('</skill_content>');
        return {
          title: `Loaded skill: ${skill.name}`,
          output: body.join('\n'),
          metadata: { name: skill.name },
        };
      }
      const dir = dirname(skill.location);
      const files = await sampleFiles(dir, ctx.instance.worktree, ctx.abort);
      body.push(
        '',
        `Base directory for this skill: ${dir}`,
        'Relative paths in this skill (e.g. scripts/, reference/) start from this directory.',
        'Note: the files below are a sample, not necessarily all of them.',
        '',
        '<skill_files>',
        ...files.map((file) => `<file>${file}</file>`),
        '</skill_files>',
        '</skill_content>',
      );
      return {
        title: `Loaded skill: ${skill.name}`,
        output: body.join('\n'),
        metadata: { name: skill.name, dir },
      };
    },
  });
}

function catalogue(skills: SkillInfo[]): string {
  const described = skills.filter((skill) => skill.description !== undefined);
  if (described.length === 0) return 'No skills are available right now.';
  return [
    '<available_skills>',
    ...described.flatMap((skill) => [
      '  <skill>',
      `    <name>${escapeXml(skill.name)}</name>`,
      `    <description>${escapeXml(skill.description ?? '')}</description>`,
      `    <location>${escapeXml(skill.location)}</location>`,
      '  </skill>',
    ]),
    '</available_skills>',
  ].join('\n');
}

/**
 * Up to {@link SKILL_FILES_SAMPLE} files of the skill's folder besides its `SKILL.md` files,
 * nearest first, as the reference's ripgrep listing: hidden files included, `.gitignore`d ones
 * and symlinked folders left out.
 */
async function sampleFiles(dir: string, worktree: string, signal: AbortSignal): Promise<string[]> {
  const files: string[] = [];
  const walk = walkFiles({
    root: dir,
    ignoreAnchor: isInside(worktree, dir) ? worktree : undefined,
    signal,
  });
  for await (const entry of walk) {
    if (entry.name === 'SKILL.md') continue;
    files.push(entry.absolute);
    if (files.length === SKILL_FILES_SAMPLE) break;
  }
  return files;
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
