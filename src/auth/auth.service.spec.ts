import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/support/fixtures';
import { AppEnvironment } from '../core/config/app-environment';
import { AuthService } from './auth.service';

describe('AuthService', () => {
  let home: string;
  let service: AuthService;
  let file: string;
  beforeEach(() => {
    home = tempDir('auth-home-');
    const env = new AppEnvironment({ HOME: home, XDG_DATA_HOME: join(home, 'data') }, home);
    service = new AuthService(env);
    file = join(home, 'data', 'opencode', 'auth.json');
  });

  it('is empty without a file', async () => {
    await expect(service.all()).resolves.toEqual({});
    await expect(service.get('anthropic')).resolves.toBeUndefined();
  });

  it('writes auth.json with mode 0600 and reads it back', async () => {
    await service.set('anthropic', { type: 'api', key: 'sk-ant' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      anthropic: { type: 'api', key: 'sk-ant' },
    });
    await expect(service.get('anthropic')).resolves.toEqual({ type: 'api', key: 'sk-ant' });
    // No temp file is left behind next to it.
    expect(readdirSync(join(home, 'data', 'opencode'))).toEqual(['auth.json']);
  });

  it('tightens the mode of an existing, too open file on the next write', async () => {
    mkdirSync(join(home, 'data', 'opencode'), { recursive: true });
    writeFileSync(file, '{}', { mode: 0o644 });
    await service.set('openai', { type: 'api', key: 'sk-oa' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps every change of concurrent writes', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        service.set(`p${index}`, { type: 'api', key: `k${index}` }),
      ),
    );
    expect(Object.keys(await service.all())).toHaveLength(20);
    await Promise.all([
      service.remove('p0'),
      service.remove('p1'),
      service.set('p2', { type: 'wellknown', key: 'K', token: 'T' }),
    ]);
    const all = await service.all();
    expect(Object.keys(all)).toHaveLength(18);
    expect(all.p2).toEqual({ type: 'wellknown', key: 'K', token: 'T' });
  });

  it('answers the same object until the file changes, then what another process wrote', async () => {
    await service.set('a', { type: 'api', key: '1' });
    const first = await service.all();
    expect(await service.all()).toBe(first);
    writeFileSync(file, JSON.stringify({ b: { type: 'api', key: '2' }, bad: { type: 'api' } }));
    const next = await service.all();
    expect(next).not.toBe(first);
    // Malformed entries are dropped, not crashed on.
    expect(next).toEqual({ b: { type: 'api', key: '2' } });
  });

  it('treats a corrupt file as empty', async () => {
    mkdirSync(join(home, 'data', 'opencode'), { recursive: true });
    writeFileSync(file, '{ not json');
    await expect(service.all()).resolves.toEqual({});
  });
});
