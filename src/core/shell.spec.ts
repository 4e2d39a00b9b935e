import { resolveShell, runShell } from './shell';
import { MAX_TOOL_OUTPUT_CHARS } from './tool-output';

describe('runShell', () => {
  const run = (command: string, onOutput: (tail: string) => void = () => undefined) =>
    runShell(command, process.cwd(), 30_000, new AbortController().signal, onOutput);

  it('keeps a short output whole, as its text and its tail', async () => {
    const result = await run('printf "one\\ntwo\\n"; exit 3');
    expect(result).toMatchObject({ text: 'one\ntwo\n', tail: 'one\ntwo\n', exitCode: 3 });
  });

  it('keeps only the start and the end of an endless output, counting what it dropped', async () => {
    const total = 3_000_000;
    let largestTail = 0;
    const result = await run(`head -c ${total} /dev/zero | tr '\\0' x; printf END`, (tail) => {
      largestTail = Math.max(largestTail, tail.length);
    });
    expect(result.text.startsWith('x'.repeat(MAX_TOOL_OUTPUT_CHARS))).toBe(true);
    expect(result.text).toContain(
      `(Output truncated: ${total + 3 - MAX_TOOL_OUTPUT_CHARS} more characters were omitted.`,
    );
    expect(result.tail.endsWith('xxxEND')).toBe(true);
    expect(result.tail.length).toBe(30_000);
    expect(largestTail).toBeLessThanOrEqual(30_000);
  });

  it('runs with the shell it is given', async () => {
    const result = await runShell(
      'echo "$0"',
      process.cwd(),
      30_000,
      new AbortController().signal,
      () => undefined,
      '/bin/sh',
    );
    expect(result.text).toBe('/bin/sh\n');
  });
});

describe('runShell when the shell cannot start', () => {
  const runWith = (shell: string, command = 'true') =>
    runShell(command, process.cwd(), 30_000, new AbortController().signal, () => undefined, shell);

  it.each([
    ['a missing shell', '/nonexistent/shell', 'true', /ENOENT/],
    ['a shell path past the system limit', `/${'s'.repeat(10_000)}`, 'true', /ENAMETOOLONG/],
    ['a command past the argument size limit', 'bash', `: ${'x'.repeat(200_000)}`, /E2BIG/],
  ])('answers %s as a failed run with the reason', async (_case, shell, command, reason) => {
    const result = await runWith(shell, command);
    expect(result.exitCode).not.toBe(0);
    expect(result.text).toMatch(reason);
  });
});

describe('resolveShell', () => {
  it('takes the configured shell when it speaks POSIX -c, else bash', () => {
    expect(resolveShell(undefined)).toBe('bash');
    expect(resolveShell('  ')).toBe('bash');
    expect(resolveShell('/bin/zsh')).toBe('/bin/zsh');
    expect(resolveShell('/usr/bin/fish')).toBe('bash');
    expect(resolveShell('nu')).toBe('bash');
    expect(resolveShell('C:\\Program Files\\PowerShell\\pwsh.exe')).toBe('bash');
  });
});
