import { renderTemplate, templateHints } from './command.template';

describe('renderTemplate', () => {
  it('puts the whole argument string in $ARGUMENTS', () => {
    expect(renderTemplate('Review $ARGUMENTS now', 'src/a.ts and b')).toBe(
      'Review src/a.ts and b now',
    );
  });

  it('fills $1, $2 and lets the last placeholder take the rest', () => {
    expect(renderTemplate('Rename $1 to $2', 'foo bar baz')).toBe('Rename foo to bar baz');
    expect(renderTemplate('$2 before $1', 'a b c')).toBe('b c before a');
  });

  it('keeps quoted arguments together and drops the quotes', () => {
    expect(renderTemplate('Title: $1. Body: $2', '"fix the bug" \'now please\'')).toBe(
      'Title: fix the bug. Body: now please',
    );
  });

  it('leaves missing arguments empty', () => {
    expect(renderTemplate('A=$1 B=$2', 'x')).toBe('A=x B=');
  });

  it('mixes positional and $ARGUMENTS', () => {
    expect(renderTemplate('$1 | $ARGUMENTS', 'one two')).toBe('one two | one two');
  });

  it('appends the arguments to a template without placeholders', () => {
    expect(renderTemplate('Summarise the repo.', 'focus on tests')).toBe(
      'Summarise the repo.\n\nfocus on tests',
    );
    expect(renderTemplate('Summarise the repo.\n', '   ')).toBe('Summarise the repo.');
  });

  it('does not expand $ patterns inside the arguments', () => {
    expect(renderTemplate('Say $ARGUMENTS', 'cost is $1 and $&')).toBe('Say cost is $1 and $&');
  });
});

describe('templateHints', () => {
  it('lists positional placeholders once, sorted, then $ARGUMENTS', () => {
    expect(templateHints('$2 $1 $2 $ARGUMENTS')).toEqual(['$1', '$2', '$ARGUMENTS']);
    expect(templateHints('no placeholders')).toEqual([]);
  });
});
