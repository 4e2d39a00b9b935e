import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadMarkdownLayer, MarkdownProblem, parseMarkdown } from './markdown';

describe('parseMarkdown', () => {
  it('splits front matter and body', () => {
    const doc = parseMarkdown(
      '---\ndescription: Reviews code\ntemperature: 0.1\n---\nYou review.\n',
    );
    expect(doc.data).toEqual({ description: 'Reviews code', temperature: 0.1 });
    expect(doc.content).toBe('You review.\n');
    expect(doc.keyLines).toEqual({ description: 2, temperature: 3 });
  });

  it('reads a file without front matter as body only', () => {
    expect(parseMarkdown('Just a prompt')).toEqual({
      data: {},
      content: 'Just a prompt',
      keyLines: {},
    });
  });

  it('accepts an unquoted colon in a value, as the reference does', () => {
    const doc = parseMarkdown('---\ndescription: Review: security and style\n---\nBody');
    expect(doc.data.description).toBe('Review: security and style');
  });

  it('throws on front matter that is not key: value pairs', () => {
    expect(() => parseMarkdown('---\n- a\n- b\n---\nBody')).toThrow(/front matter/);
    expect(() => parseMarkdown('---\ndescription: [unclosed\n---\nBody')).toThrow(/front matter/);
  });
});

describe('loadMarkdownLayer', () => {
  const root = mkdtempSync(join(tmpdir(), 'markdown-layer-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeAll(() => {
    write('agent/review.md', '---\ndescription: Reviews\nmode: subagent\n---\nYou review code.\n');
    write('agents/team/security.md', '---\ndescription: Security\n---\nCheck for holes.');
    write('mode/focus.md', 'Focus on one thing.');
    write('agent/broken.md', '---\nmode: sideways\n---\nNope');
    write('command/test.md', '---\ndescription: Run tests\nsubtask: true\n---\nRun $ARGUMENTS\n');
    write('commands/empty.md', '---\ndescription: Nothing\n---\n');
    write('command/bad-yaml.md', '---\ndescription: [oops\n---\nBody');
    write('agent/notes.txt', 'ignored');
  });

  it('loads agents (nested names, modes as primary) and commands, skipping malformed files', async () => {
    const problems: MarkdownProblem[] = [];
    const layer = await loadMarkdownLayer(root, problems);
    expect(layer.agent).toEqual({
      review: { description: 'Reviews', mode: 'subagent', prompt: 'You review code.' },
      'team/security': { description: 'Security', prompt: 'Check for holes.' },
      focus: { mode: 'primary', prompt: 'Focus on one thing.' },
    });
    expect(layer.command).toEqual({
      test: { description: 'Run tests', subtask: true, template: 'Run $ARGUMENTS' },
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        join(root, 'agent/broken.md:2'),
        join(root, 'command/bad-yaml.md'),
        join(root, 'commands/empty.md'),
      ].sort(),
    );
    expect(problems.find((p) => p.path.includes('broken'))?.message).toContain('"mode"');
    expect(layer.watched).toContain(join(root, 'agent'));
    expect(layer.watched).toContain(join(root, 'agent/review.md'));
  });

  it('is empty for a directory without markdown', async () => {
    const problems: MarkdownProblem[] = [];
    const layer = await loadMarkdownLayer(join(root, 'missing'), problems);
    expect(layer.agent).toEqual({});
    expect(layer.command).toEqual({});
    expect(problems).toEqual([]);
  });
});
