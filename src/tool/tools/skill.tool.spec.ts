import { join } from 'node:path';
import { fakeToolContext } from '../../../test/support/fake-tool-context';
import { gitRepo, tempDir, writeFiles } from '../../../test/support/fixtures';
import { BUILT_IN_LOCATION, type SkillInfo } from '../../skill/skill.types';
import { ToolExecutionError } from '../tool.types';
import { createSkillTool, SKILL_FILES_SAMPLE } from './skill.tool';

describe('skill tool', () => {
  function setup(skills: SkillInfo[], offered = skills) {
    const list = jest.fn(() => Promise.resolve(skills));
    return { tool: createSkillTool(offered, { list }), list };
  }

  it('lists the offered skills that have a description, escaped', () => {
    const { tool } = setup([
      { name: 'b-skill', description: 'Uses <b> & "c"', location: '/s/b/SKILL.md', content: '' },
      { name: 'quiet', location: '/s/q/SKILL.md', content: '' },
    ]);
    expect(tool.description).toContain(
      [
        '<available_skills>',
        '  <skill>',
        '    <name>b-skill</name>',
        '    <description>Uses &lt;b&gt; &amp; &quot;c&quot;</description>',
        '    <location>/s/b/SKILL.md</location>',
        '  </skill>',
        '</available_skills>',
      ].join('\n'),
    );
    expect(tool.description).not.toContain('quiet');
    expect(setup([]).tool.description).toContain('No skills are available right now.');
  });

  it('loads a skill: its content, base directory and a sample of its files', async () => {
    const project = gitRepo({
      '.gitignore': 'ignored.txt\n',
      '.opencode/skill/deploy/SKILL.md': 'unused here',
      '.opencode/skill/deploy/scripts/run.sh': 'echo',
      '.opencode/skill/deploy/ignored.txt': '',
      '.opencode/skill/deploy/.env.example': '',
      '.opencode/skill/deploy/nested/SKILL.md': 'other skill',
    });
    const dir = join(project, '.opencode/skill/deploy');
    const skill = {
      name: 'deploy',
      description: 'Deploys',
      location: join(dir, 'SKILL.md'),
      content: '\n# Deploying\n\nRun scripts/run.sh.\n\n',
    };
    const { tool } = setup([skill]);
    const ctx = fakeToolContext(project);
    const result = await tool.execute({ name: 'deploy' }, ctx);
    expect(ctx.asked).toEqual([
      { permission: 'skill', patterns: ['deploy'], always: ['deploy'], metadata: {} },
    ]);
    expect(result.title).toBe('Loaded skill: deploy');
    expect(result.metadata).toEqual({ name: 'deploy', dir });
    expect(result.output).toBe(
      [
        '<skill_content name="deploy">',
        '# Skill: deploy',
        '',
        '# Deploying\n\nRun scripts/run.sh.',
        '',
        `Base directory for this skill: ${dir}`,
        'Relative paths in this skill (e.g. scripts/, reference/) start from this directory.',
        'Note: the files below are a sample, not necessarily all of them.',
        '',
        '<skill_files>',
        `<file>${join(dir, '.env.example')}</file>`,
        `<file>${join(dir, 'scripts/run.sh')}</file>`,
        '</skill_files>',
        '</skill_content>',
      ].join('\n'),
    );
  });

  it(`lists at most ${SKILL_FILES_SAMPLE} files`, async () => {
    const root = tempDir();
    writeFiles(root, Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`s/f${i}.md`, ''])));
    const { tool } = setup([{ name: 's', location: join(root, 's/SKILL.md'), content: 'x' }]);
    const result = await tool.execute({ name: 's' }, fakeToolContext(root));
    expect(result.output.match(/<file>/g)).toHaveLength(SKILL_FILES_SAMPLE);
  });

  it('loads a built-in skill without a directory', async () => {
    const { tool } = setup([
      { name: 'builtin', description: 'd', location: BUILT_IN_LOCATION, content: 'Guide\n' },
    ]);
    const result = await tool.execute({ name: 'builtin' }, fakeToolContext(tempDir()));
    expect(result.output).toBe(
      '<skill_content name="builtin">\n# Skill: builtin\n\nGuide\n</skill_content>',
    );
    expect(result.metadata).toEqual({ name: 'builtin' });
  });

  it('refuses an unknown skill, naming every skill, without asking', async () => {
    const skill = (name: string) => ({ name, location: `/s/${name}/SKILL.md`, content: '' });
    const { tool } = setup([skill('zeta'), skill('alpha')], []);
    const ctx = fakeToolContext(tempDir());
    const call = tool.execute({ name: 'nope' }, ctx);
    await expect(call).rejects.toThrow(ToolExecutionError);
    await expect(call).rejects.toThrow('Skill "nope" not found. Available skills: alpha, zeta');
    expect(ctx.asked).toEqual([]);
    await expect(setup([]).tool.execute({ name: 'x' }, ctx)).rejects.toThrow(
      'Available skills: none',
    );
  });

  it('fails when the skill permission is rejected', async () => {
    const root = tempDir();
    const { tool } = setup([{ name: 's', location: join(root, 'SKILL.md'), content: 'x' }]);
    const ctx = fakeToolContext(root, { answer: () => false });
    await expect(tool.execute({ name: 's' }, ctx)).rejects.toThrow(/rejected/);
    expect(ctx.asked).toHaveLength(1);
  });

  it('takes only a string name', () => {
    const { tool } = setup([]);
    expect(tool.parameters.safeParse({}).success).toBe(false);
    expect(tool.parameters.safeParse({ name: 1 }).success).toBe(false);
    expect(tool.parameters.safeParse({ name: 'x' }).success).toBe(true);
  });
});
