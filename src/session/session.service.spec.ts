import { forkedTitle, isDefaultTitle } from './session.service';
import { createSlug } from './slug';

describe('session naming', () => {
  it('numbers forks of forks', () => {
    expect(forkedTitle('Fix the bug')).toBe('Fix the bug (fork #1)');
    expect(forkedTitle('Fix the bug (fork #1)')).toBe('Fix the bug (fork #2)');
    expect(forkedTitle('Fix the bug (fork #9)')).toBe('Fix the bug (fork #10)');
    expect(forkedTitle('(fork #1)')).toBe('(fork #1) (fork #1)');
  });

  it('recognises the default titles only', () => {
    expect(isDefaultTitle('New session - 2026-11-23T23:31:53.229Z')).toBe(true);
    expect(isDefaultTitle('Child session - 2026-11-23T23:31:53.229Z')).toBe(true);
    expect(isDefaultTitle('New session - today')).toBe(false);
    expect(isDefaultTitle('My New session - 2026-11-23T23:31:53.229Z')).toBe(false);
  });

  it('makes short adjective-noun slugs', () => {
    for (let index = 0; index < 20; index++) expect(createSlug()).toMatch(/^[a-z]+-[a-z]+$/);
  });
});
