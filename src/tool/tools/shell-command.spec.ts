import { alwaysPattern, splitCommands } from './shell-command';

describe('splitCommands', () => {
  it('splits on control operators but not inside quotes', () => {
    expect(splitCommands('ls src && git log --oneline | head -3')).toEqual([
      'ls src',
      'git log --oneline',
      'head -3',
    ]);
    expect(splitCommands('echo "a && b"; echo \'c | d\'')).toEqual([
      'echo "a && b"',
      "echo 'c | d'",
    ]);
    expect(splitCommands('make || echo failed & wait')).toEqual(['make', 'echo failed', 'wait']);
    expect(splitCommands('echo a\\;b')).toEqual(['echo a\\;b']);
  });
});

describe('alwaysPattern', () => {
  it('approves the command, or the subcommand of tools that have them', () => {
    expect(alwaysPattern('ls src')).toBe('ls *');
    expect(alwaysPattern('git log --oneline')).toBe('git log *');
    expect(alwaysPattern('git --no-pager log')).toBe('git *');
    expect(alwaysPattern('FOO=1 npm test')).toBe('npm test *');
  });
});
