import { resolveFormatters, type FormatterContext, type FormatterDefinition } from './formatters';

function builtIn(name: string, extensions: string[], command: string[] | false) {
  return { name, extensions, command: () => Promise.resolve(command) } as FormatterDefinition;
}

const BUILT_INS = [
  builtIn('gofmt', ['.go'], ['gofmt', '-w', '$FILE']),
  builtIn('prettier', ['.ts', '.md'], ['prettier', '--write', '$FILE']),
  builtIn('ruff', ['.py'], false),
  builtIn('uv', ['.py'], ['uv', 'format', '--', '$FILE']),
];

const names = (items: FormatterDefinition[]) => items.map((item) => item.name);

describe('resolveFormatters', () => {
  it('disables everything when omitted or false, enables the built-ins with true', () => {
    expect(resolveFormatters(undefined, BUILT_INS).listed).toEqual([]);
    expect(resolveFormatters(false, BUILT_INS).listed).toEqual([]);
    expect(names(resolveFormatters(true, BUILT_INS).listed)).toEqual([
      'gofmt',
      'prettier',
      'ruff',
      'uv',
    ]);
  });

  it('merges entries over the built-ins: disable, override in place, add at the end', () => {
    const set = resolveFormatters(
      {
        gofmt: { disabled: true },
        prettier: { extensions: ['.ts'] },
        upper: { command: ['node', 'upper.js', '$FILE'], extensions: ['.txt'] },
        nothing: { extensions: ['.x'] },
      },
      BUILT_INS,
    );
    expect(names(set.listed)).toEqual(['prettier', 'ruff', 'uv', 'upper', 'nothing']);
    expect(set.listed[0].extensions).toEqual(['.ts']);
    // What the config names is preferred when choosing a file's formatter.
    expect(names(set.preferred)).toEqual(['prettier', 'upper', 'nothing', 'ruff', 'uv']);
  });

  it('disables ruff and uv together (uv formats with ruff)', () => {
    expect(names(resolveFormatters({ uv: { disabled: true } }, BUILT_INS).listed)).toEqual([
      'gofmt',
      'prettier',
    ]);
  });

  it('keeps a built-in check when an entry only changes extensions or environment', async () => {
    const ctx = { directory: '/', worktree: '/', path: '', env: {} } as FormatterContext;
    const [gofmt] = resolveFormatters({ gofmt: { environment: { A: '1' } } }, BUILT_INS).listed;
    expect(gofmt.environment).toEqual({ A: '1' });
    expect(await gofmt.command(ctx)).toEqual(['gofmt', '-w', '$FILE']);
    const nothing = resolveFormatters({ nothing: { extensions: ['.x'] } }, BUILT_INS).listed.at(
      -1,
    )!;
    expect(await nothing.command(ctx)).toBe(false);
  });
});
