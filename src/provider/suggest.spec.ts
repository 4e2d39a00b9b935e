import { editDistance, suggestIds } from './suggest';

describe('suggestIds', () => {
  const models = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'gpt-5', 'gpt-5-mini', 'fake-model'];

  it('finds ids by characters in order and by typos', () => {
    expect(suggestIds('gpt5', models)).toEqual(['gpt-5', 'gpt-5-mini']);
    expect(suggestIds('fake-modle', models)).toEqual(['fake-model']);
    expect(suggestIds('claude-sonet-4-5', models)[0]).toBe('claude-sonnet-4-5');
  });

  it('suggests nothing for unrelated ids', () => {
    expect(suggestIds('llama', models)).toEqual([]);
  });

  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
