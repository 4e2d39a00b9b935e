import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gitRepo, tempDir, writeFiles } from '../../test/support/fixtures';
import {
  findSkillFiles,
  mergeSkills,
  parseSkillFile,
  type SkillProblem,
  type SkillSearch,
} from './skill-discovery';

const skill = (name: string) => `---\nname: ${name}\ndescription: about ${name}\n---\nBody\n`;

describe('findSkillFiles', () => {
  function search(overrides: Partial<SkillSearch> & { directory: string }): SkillSearch {
    const home = overrides.home ?? tempDir('skill-home-');
    return {
      home,
      globalConfigDir: join(home, '.config', 'opencode'),
      worktree: overrides.directory,
      paths: [],
      ...overrides,
    };
  }

  it('reads external, global, project and configured folders in precedence order', async () => {
    const home = tempDir('skill-home-');
    writeFiles(home, {
      '.claude/skills/a/SKILL.md': skill('a'),
      '.agents/skills/b/SKILL.md': skill('b'),
      '.config/opencode/skill/c/SKILL.md': skill('c'),
      '.config/opencode/skills/d/SKILL.md': skill('d'),
      'extra/e/SKILL.md': skill('e'),
      '.claude/other/SKILL.md': skill('not-a-skill-folder'),
    });
    const project = gitRepo({
      '.claude/skills/f/SKILL.md': skill('f'),
      '.agents/skills/g/SKILL.md': skill('g'),
      '.opencode/skill/SKILL.md': skill('top'),
      '.opencode/skill/h/SKILL.md': skill('h'),
      '.opencode/skills/deep/er/i/SKILL.md': skill('i'),
      '.opencode/skill/j/skill.md': skill('lowercase-file'),
      'sub/.opencode/skills/k/SKILL.md': skill('k'),
      'sub/.claude/skills/l/SKILL.md': skill('l'),
      'local/m/SKILL.md': skill('m'),
    });
    const files = await findSkillFiles(
      search({
        home,
        directory: join(project, 'sub'),
        worktree: project,
        paths: ['~/extra', '../local'],
      }),
      [],
    );
    expect(files.map((file) => file.replace(home, '~').replace(project, '<p>'))).toEqual([
      '~/.claude/skills/a/SKILL.md',
      '~/.agents/skills/b/SKILL.md',
      '<p>/.claude/skills/f/SKILL.md',
      '<p>/.agents/skills/g/SKILL.md',
      '<p>/sub/.claude/skills/l/SKILL.md',
      '~/.config/opencode/skill/c/SKILL.md',
      '~/.config/opencode/skills/d/SKILL.md',
      '<p>/.opencode/skill/SKILL.md',
      '<p>/.opencode/skill/h/SKILL.md',
      '<p>/.opencode/skills/deep/er/i/SKILL.md',
      '<p>/sub/.opencode/skills/k/SKILL.md',
      '~/extra/e/SKILL.md',
      '<p>/local/m/SKILL.md',
    ]);
  });

  it('follows symlinked skill folders and lists a file reached twice once', async () => {
    const shared = tempDir('skill-shared-');
    writeFiles(shared, { 'linked/SKILL.md': skill('linked') });
    const home = tempDir('skill-home-');
    mkdirSync(join(home, '.claude/skills'), { recursive: true });
    symlinkSync(join(shared, 'linked'), join(home, '.claude/skills/linked'));
    const directory = tempDir('skill-dir-');
    const files = await findSkillFiles(
      search({ home, directory, paths: [home + '/.claude/skills'] }),
      [],
    );
    expect(files).toEqual([join(home, '.claude/skills/linked/SKILL.md')]);
  });

  it('reports a skills.paths entry that is not a directory', async () => {
    const directory = tempDir('skill-dir-');
    const problems: SkillProblem[] = [];
    const files = await findSkillFiles(search({ directory, paths: ['missing'] }), problems);
    expect(files).toEqual([]);
    expect(problems).toEqual([
      { path: join(directory, 'missing'), message: 'skills.paths entry is not a directory' },
    ]);
  });
});

describe('parseSkillFile', () => {
  it('takes name and description from the front matter and keeps the body as written', () => {
    expect(
      parseSkillFile('/s/SKILL.md', '---\nname: x\ndescription: Does x\n---\n\nBody\n'),
    ).toEqual({ name: 'x', description: 'Does x', location: '/s/SKILL.md', content: '\nBody\n' });
  });

  it('keeps a skill without description, and quotes a description with a colon', () => {
    expect(parseSkillFile('/s', '---\nname: x\n---\nBody')).toEqual({
      name: 'x',
      location: '/s',
      content: 'Body',
    });
    expect(
      parseSkillFile('/s', '---\nname: x\ndescription: Review: security\n---\n'),
    ).toMatchObject({ description: 'Review: security' });
  });

  it.each([
    ['no front matter', 'Just a body', /needs a `name`/],
    ['no name', '---\ndescription: d\n---\nBody', /needs a `name`/],
    ['a name that is not a string', '---\nname: 123\n---\nBody', /needs a `name`/],
    ['a description that is not a string', '---\nname: x\ndescription: [a]\n---\n', /string/],
    ['broken YAML', '---\nname: [unclosed\n---\nBody', /invalid front matter/],
  ])('refuses a file with %s', (_, text, message) => {
    expect(parseSkillFile('/s', text)).toMatch(message);
  });
});

describe('mergeSkills', () => {
  it('lets a later skill replace an earlier one of the same name, in its place', () => {
    const at = (name: string, location: string) => ({ name, location, content: '' });
    expect(
      mergeSkills([at('a', '1'), at('b', '2'), at('a', '3'), at('c', '4')]).map(
        (skill) => `${skill.name}@${skill.location}`,
      ),
    ).toEqual(['a@3', 'b@2', 'c@4']);
  });
});
