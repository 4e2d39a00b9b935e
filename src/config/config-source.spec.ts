import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigSource } from './config-source';
import { ConfigInvalidError, ConfigJsonError } from './config.errors';

describe('parseConfigSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-source-'));
  const home = mkdtempSync(join(tmpdir(), 'config-home-'));
  const context = { variables: { MODEL: 'anthropic/claude-sonnet-4-5', EMPTY: '' }, home };
  const parse = (text: string, path = join(dir, 'opencode.jsonc')) =>
    parseConfigSource({ path, text, baseDir: dir }, context);

  it('accepts comments and trailing commas', async () => {
    const config = await parse(`{
      // the model
      "model": "a/b", /* inline */
      "share": "manual",
    }`);
    expect(config).toEqual({ model: 'a/b', share: 'manual' });
  });

  it('treats an empty file as an empty config', async () => {
    await expect(parse('  \n')).resolves.toEqual({});
  });

  it('substitutes {env:VAR} in string values, missing variables as empty', async () => {
    const config = await parse(
      '{ "model": "{env:MODEL}", "username": "x{env:NOPE}y", "small_model": "{env:EMPTY}" }',
    );
    expect(config).toEqual({
      model: 'anthropic/claude-sonnet-4-5',
      username: 'xy',
      small_model: '',
    });
  });

  it('leaves references in comments alone', async () => {
    await expect(parse('{\n // "{file:missing.txt}"\n "model": "a/b" }')).resolves.toEqual({
      model: 'a/b',
    });
  });

  it('substitutes {file:path} relative to the config file, and ~/ from home, trimmed', async () => {
    writeFileSync(join(dir, 'prompt.md'), '  Be "brief".\nReally.\n');
    mkdirSync(join(home, 'secrets'), { recursive: true });
    writeFileSync(join(home, 'secrets', 'key'), 'sk-123\n');
    const config = await parse(`{
      "agent": { "build": { "prompt": "{file:./prompt.md}" } },
      "provider": { "x": { "options": { "apiKey": "{file:~/secrets/key}" } } }
    }`);
    expect(config.agent?.build.prompt).toBe('Be "brief".\nReally.');
    expect(config.provider?.x.options?.apiKey).toBe('sk-123');
  });

  it('names the file and line of a missing {file:} reference', async () => {
    const error = await parse('{\n  "model": "a/b",\n  "username": "{file:nope.txt}"\n}').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigInvalidError);
    const data = (error as ConfigInvalidError).data;
    expect(data).toMatchObject({ path: join(dir, 'opencode.jsonc'), line: 3 });
    expect(data.message).toContain('nope.txt');
  });

  it('reports invalid JSON with file, line and column', async () => {
    const error = await parse('{\n  "model": "a/b"\n  "share": "auto"\n}').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigJsonError);
    expect((error as ConfigJsonError).data).toMatchObject({
      path: join(dir, 'opencode.jsonc'),
      line: 3,
      column: 3,
    });
    expect((error as ConfigJsonError).data.message).toMatch(/opencode\.jsonc:3:3: invalid JSON/);
  });

  it('names the key and line of a value of the wrong type', async () => {
    const error = await parse('{\n  "model": "a/b",\n  "share": "sometimes"\n}').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as ConfigInvalidError).data).toMatchObject({ key: 'share', line: 3 });
  });

  it('names an unknown key, nested, with its line', async () => {
    const error = await parse(
      '{\n  "provider": {\n    "x": {\n      "optoins": {}\n    }\n  }\n}',
    ).catch((e: unknown) => e);
    expect((error as ConfigInvalidError).data).toMatchObject({
      key: 'provider.x.optoins',
      line: 4,
      column: 7,
    });
    expect((error as ConfigInvalidError).data.message).toContain('is not a known key');
  });

  it('looks inside unions for the deepest problem', async () => {
    const error = await parse('{ "permission": { "bash": { "git *": "sure" } } }').catch(
      (e: unknown) => e,
    );
    expect((error as ConfigInvalidError).data.key).toBe('permission.bash.git *');
  });

  it('says what a union expected when the value fits none of it', async () => {
    const error = await parse('{ "permission": 5 }').catch((e: unknown) => e);
    expect((error as ConfigInvalidError).data).toMatchObject({ key: 'permission' });
    expect((error as ConfigInvalidError).data.message).toContain('"ask"|"allow"|"deny"');
  });

  it('refuses a config that is not an object', async () => {
    await expect(parse('[1, 2]')).rejects.toBeInstanceOf(ConfigInvalidError);
  });
});
