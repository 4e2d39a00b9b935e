import { parse } from 'jsonc-parser';
import { applyConfigPatch } from './config-writer';

describe('applyConfigPatch', () => {
  const original = `{
  // Which model to use by default
  "model": "anthropic/claude-sonnet-4-5",
  /* providers */
  "provider": {
    "local": {
      "options": { "baseURL": "http://127.0.0.1:11434/v1" }, // ollama
    },
  },
  "instructions": ["a.md"],
}
`;

  it('keeps comments and untouched values, merges objects, replaces arrays', () => {
    const out = applyConfigPatch(original, {
      model: 'openai/gpt-5',
      provider: { local: { options: { timeout: 1000 } } },
      instructions: ['b.md'],
    });
    expect(out).toContain('// Which model to use by default');
    expect(out).toContain('/* providers */');
    expect(out).toContain('// ollama');
    expect(parse(out, [], { allowTrailingComma: true })).toEqual({
      model: 'openai/gpt-5',
      provider: { local: { options: { baseURL: 'http://127.0.0.1:11434/v1', timeout: 1000 } } },
      instructions: ['b.md'],
    });
  });

  it('adds new keys with the file indentation', () => {
    const out = applyConfigPatch('{\n    "model": "a/b"\n}\n', { share: 'manual' });
    expect(out).toBe('{\n    "model": "a/b",\n    "share": "manual"\n}\n');
  });

  it('starts an empty file as an object', () => {
    const out = applyConfigPatch('', { model: 'a/b', agent: { plan: { temperature: 0.2 } } });
    expect(JSON.parse(out)).toEqual({ model: 'a/b', agent: { plan: { temperature: 0.2 } } });
  });

  it('replaces a value of another kind with the object', () => {
    const out = applyConfigPatch('{ "permission": "ask" }', { permission: { bash: 'deny' } });
    expect(JSON.parse(out)).toEqual({ permission: { bash: 'deny' } });
  });
});
