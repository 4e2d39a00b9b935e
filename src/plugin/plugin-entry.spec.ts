import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkEngines,
  OPENCODE_VERSION,
  packageEntry,
  PluginIncompatibleError,
} from './plugin-entry';

describe('engines.opencode', () => {
  it('accepts a package without a range, or whose range includes the version plugins see', () => {
    expect(() => checkEngines({})).not.toThrow();
    expect(() => checkEngines({ engines: { node: '>=99' } })).not.toThrow();
    expect(() => checkEngines({ engines: { opencode: '>=1.0.0' } })).not.toThrow();
    expect(() => checkEngines({ engines: { opencode: '^1.18.0' } })).not.toThrow();
    expect(() => checkEngines({ engines: { opencode: 42 } })).not.toThrow();
  });

  it('refuses a range that excludes it, saying both', () => {
    expect(() => checkEngines({ engines: { opencode: '>=2.0.0' } })).toThrow(
      new PluginIncompatibleError(
        `Plugin requires opencode >=2.0.0 but running ${OPENCODE_VERSION}`,
      ),
    );
    expect(() => checkEngines({ engines: { opencode: 'not a range' } })).toThrow(
      PluginIncompatibleError,
    );
  });

  it('is checked when a package entry is resolved', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plugin-entry-'));
    try {
      await mkdir(join(dir, 'ok'));
      await writeFile(
        join(dir, 'ok', 'package.json'),
        JSON.stringify({ main: 'index.js', engines: { opencode: '1.x' } }),
      );
      await mkdir(join(dir, 'future'));
      await writeFile(
        join(dir, 'future', 'package.json'),
        JSON.stringify({ main: 'index.js', engines: { opencode: '>=9' } }),
      );
      await expect(packageEntry(join(dir, 'ok'))).resolves.toBe(join(dir, 'ok', 'index.js'));
      await expect(packageEntry(join(dir, 'future'))).rejects.toThrow(
        'Plugin requires opencode >=9 but running 1.18.33',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
