import { preferredShell, terminalArgs } from './shells';

describe('shells', () => {
  const lookup = { directory: '/', worktree: '/', path: '/usr/bin:/bin' };

  it('starts shells as login shells, as the reference', () => {
    expect(terminalArgs('/bin/bash', [])).toEqual(['-l']);
    expect(terminalArgs('sh', ['-c', 'exit 7'])).toEqual(['-c', 'exit 7', '-l']);
    expect(terminalArgs('/usr/bin/env', [])).toEqual([]);
    expect(terminalArgs('/bin/bash', ['--login'])).toEqual(['--login']);
    expect(terminalArgs('/usr/bin/ssh', ['host'])).toEqual(['host']);
  });

  it('prefers the configured shell, then $SHELL, then bash', async () => {
    expect(await preferredShell(['/bin/sh', '/bin/bash'], lookup)).toBe('/bin/sh');
    expect(await preferredShell(['/no/such/shell', 'sh'], lookup)).toMatch(/\/sh$/);
    expect(await preferredShell([undefined, ''], lookup)).toMatch(/\/bash$/);
  });
});
