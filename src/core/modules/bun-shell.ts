import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/**
 * `$`, the tagged-template shell of Bun that plugins and custom tools are written against
 * (`await $\`git diff ${file}\`.text()`), on Node.
 *
 * The literal parts of the template are shell syntax (pipes, redirects, `&&`, `$VAR`), as in Bun;
 * every interpolated value is exactly one argument, whatever it holds: it is single-quoted into
 * the script, so `;`, `$(...)`, quotes, newlines and glob characters in a value are text, never
 * shell syntax. An array gives one argument per element; `{ raw: string }` is inserted as is (Bun's
 * way to splice shell syntax on purpose). The reference's own Node polyfill joins the values into
 * the command line unquoted: a value like `x; rm -rf ~` runs as a second command there (a shell
 * injection), which this one refuses to reproduce.
 *
 * The script runs with `bash -c` (Bun runs its own shell; bash covers the syntax plugins use).
 */

export interface ShellOutput {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
  text(encoding?: BufferEncoding): string;
  json(): unknown;
  bytes(): Uint8Array;
  arrayBuffer(): ArrayBuffer;
  blob(): Blob;
}

interface ShellOptions {
  cwd?: string;
  /** Replaces the environment when set (as Bun's `.env()` does); else the server's is inherited. */
  env?: Record<string, string | undefined>;
  throws: boolean;
}

/** A command that exited non-zero, with everything it printed (Bun's `ShellError`). */
export class ShellError extends Error implements ShellOutput {
  override readonly name = 'ShellError';
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  readonly exitCode: number;

  constructor(output: ShellOutput) {
    super(`Failed with exit code ${output.exitCode}`);
    this.stdout = output.stdout;
    this.stderr = output.stderr;
    this.exitCode = output.exitCode;
  }

  text(encoding: BufferEncoding = 'utf8'): string {
    return this.stdout.toString(encoding);
  }
  json(): unknown {
    return JSON.parse(this.text()) as unknown;
  }
  bytes(): Uint8Array {
    return new Uint8Array(this.stdout);
  }
  arrayBuffer(): ArrayBuffer {
    return toArrayBuffer(this.stdout);
  }
  blob(): Blob {
    return new Blob([this.bytes()]);
  }
}

/** A value spliced into the script unquoted: Bun's escape hatch for shell syntax. */
interface RawValue {
  raw: string;
}

/**
 * The command of one `$` template, run once when first awaited (or read with `.text()` ...).
 * Like Bun's, the option methods change this command and return it, so they chain before the
 * `await`.
 */
export class ShellPromise implements PromiseLike<ShellOutput> {
  readonly [Symbol.toStringTag] = 'ShellPromise';
  private run?: Promise<ShellOutput>;

  constructor(
    private readonly script: string,
    private readonly options: ShellOptions,
  ) {}

  cwd(directory: string): this {
    this.options.cwd = directory;
    return this;
  }

  env(env: Record<string, string | undefined> | undefined): this {
    this.options.env = env;
    return this;
  }

  /**
   * Accepted for Bun compatibility. Output is never echoed to the server's own stdout here
   * (Deliberate difference: Bun echoes unless quiet; a server's stdout is its log).
   */
  quiet(): this {
    return this;
  }

  nothrow(): this {
    this.options.throws = false;
    return this;
  }

  throws(value: boolean): this {
    this.options.throws = value;
    return this;
  }

  async text(encoding: BufferEncoding = 'utf8'): Promise<string> {
    return (await this.result()).text(encoding);
  }

  async json(): Promise<unknown> {
    return (await this.result()).json();
  }

  /** The lines of stdout (Bun yields them as they come; here once the command ended). */
  async *lines(): AsyncGenerator<string> {
    const text = (await this.result()).text();
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    yield* lines;
  }

  async bytes(): Promise<Uint8Array> {
    return (await this.result()).bytes();
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.result()).arrayBuffer();
  }

  async blob(): Promise<Blob> {
    return (await this.result()).blob();
  }

  then<T1 = ShellOutput, T2 = never>(
    onFulfilled?: ((value: ShellOutput) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.result().then(onFulfilled, onRejected);
  }

  catch<T = never>(
    onRejected?: ((reason: unknown) => T | PromiseLike<T>) | null,
  ): Promise<ShellOutput | T> {
    return this.result().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<ShellOutput> {
    return this.result().finally(onFinally);
  }

  private result(): Promise<ShellOutput> {
    this.run ??= execute(this.script, { ...this.options });
    return this.run;
  }
}

/** The `$` function with its helpers (`$.escape`, `$.braces`, `$.cwd()` ...). */
export interface BunShell {
  (strings: TemplateStringsArray, ...values: unknown[]): ShellPromise;
  escape(value: string): string;
  braces(pattern: string): string[];
  /**
   * A `$` whose commands start in `directory`. Deliberate difference: Bun changes the defaults
   * of the `$` it is called on; here a new `$` is returned and the shared one never changes
   * (one plugin's `$.cwd()` must not move another plugin's commands).
   */
  cwd(directory: string): BunShell;
  env(env: Record<string, string | undefined> | undefined): BunShell;
  nothrow(): BunShell;
  throws(value: boolean): BunShell;
}

/** Creates a `$` whose commands start with `defaults` (the server's cwd and environment when empty). */
export function createShell(defaults: Partial<ShellOptions> = {}): BunShell {
  const base: ShellOptions = { throws: true, ...defaults };
  const shell = (strings: TemplateStringsArray, ...values: unknown[]) =>
    new ShellPromise(buildScript(strings, values), { ...base });
  return Object.assign(shell, {
    escape: quoteArgument,
    braces: expandBraces,
    cwd: (directory: string) => createShell({ ...base, cwd: directory }),
    env: (env: Record<string, string | undefined> | undefined) => createShell({ ...base, env }),
    nothrow: () => createShell({ ...base, throws: false }),
    throws: (value: boolean) => createShell({ ...base, throws: value }),
  });
}

/** The script of a template: literal parts as written, each value quoted as one argument. */
export function buildScript(strings: readonly string[], values: readonly unknown[]): string {
  let script = strings[0] ?? '';
  values.forEach((value, i) => {
    script += interpolate(value) + (strings[i + 1] ?? '');
  });
  return script;
}

function interpolate(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => interpolate(item)).join(' ');
  if (isRaw(value)) return value.raw;
  if (value instanceof ShellPromise) {
    throw new TypeError('Await a $ command before interpolating its output into another');
  }
  if (Buffer.isBuffer(value)) return quoteArgument(value.toString('utf8'));
  return quoteArgument(String(value));
}

function isRaw(value: unknown): value is RawValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 1 &&
    typeof (value as Partial<RawValue>).raw === 'string'
  );
}

/**
 * `value` as one shell word: single-quoted, with each `'` closed, escaped and reopened. Inside
 * single quotes bash interprets nothing (no `$`, backquote, `\`, glob or newline handling). A
 * NUL byte cannot be passed in an argument at all, so it is refused rather than cut silently.
 */
export function quoteArgument(value: string): string {
  if (value.includes('\0')) throw new TypeError('A shell argument cannot contain a NUL byte');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Bash-style brace expansion of `pattern`: `a{b,c}d` gives `abd`, `acd` (nestable). */
export function expandBraces(pattern: string): string[] {
  const open = findTopLevelBrace(pattern);
  if (!open) return [pattern];
  const { start, end, alternatives } = open;
  const prefix = pattern.slice(0, start);
  const suffix = pattern.slice(end + 1);
  return alternatives.flatMap((alternative) => expandBraces(prefix + alternative + suffix));
}

/** The first `{...}` with a top-level comma, its span and its alternatives. */
function findTopLevelBrace(
  pattern: string,
): { start: number; end: number; alternatives: string[] } | undefined {
  for (let start = pattern.indexOf('{'); start !== -1; start = pattern.indexOf('{', start + 1)) {
    let depth = 0;
    let piece = '';
    const alternatives: string[] = [];
    for (let i = start + 1; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '{') depth++;
      if (ch === '}' && depth === 0) {
        if (alternatives.length === 0) break;
        return { start, end: i, alternatives: [...alternatives, piece] };
      }
      if (ch === '}') depth--;
      if (ch === ',' && depth === 0) {
        alternatives.push(piece);
        piece = '';
      } else piece += ch;
    }
  }
  return undefined;
}

function execute(script: string, options: ShellOptions): Promise<ShellOutput> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const child = spawn('bash', ['-c', script], {
      cwd: options.cwd,
      ...(options.env && { env: withoutUndefined(options.env) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const output = shellOutput(
        Buffer.concat(stdout),
        Buffer.concat(stderr),
        code ?? 128 + (signal ? constants.signals[signal] : 0),
      );
      if (output.exitCode !== 0 && options.throws) reject(new ShellError(output));
      else resolve(output);
    });
  });
}

function shellOutput(stdout: Buffer, stderr: Buffer, exitCode: number): ShellOutput {
  return {
    stdout,
    stderr,
    exitCode,
    text: (encoding: BufferEncoding = 'utf8') => stdout.toString(encoding),
    json: () => JSON.parse(stdout.toString('utf8')) as unknown,
    bytes: () => new Uint8Array(stdout),
    arrayBuffer: () => toArrayBuffer(stdout),
    blob: () => new Blob([new Uint8Array(stdout)]),
  };
}

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return new Uint8Array(buffer).buffer;
}

function withoutUndefined(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
