import type { Logger } from '@nestjs/common';
import { readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write';

/** Owner read/write only: the file holds keys and tokens. */
const SECRET_FILE_MODE = 0o600;

/**
 * A JSON object of secrets (credentials, tokens) by name in one file: written atomically with
 * mode 0600, read-modify-write cycles one after the other so concurrent changes all land, and
 * read again only when the file changed (another process, such as a CLI login, may write it).
 * Nothing read is ever logged: a malformed file reads as empty with a warning naming the file
 * only, and an entry is kept only when `accept` returns it (it may log the entry's name).
 */
export class SecretFile<T> {
  private snapshot: { fingerprint: string; entries: Readonly<Record<string, T>> } | undefined;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly logger: Logger,
    private readonly accept: (name: string, value: unknown) => T | undefined,
  ) {}

  /** Every entry; the same object is answered until the file changes (callers may cache by it). */
  async read(): Promise<Readonly<Record<string, T>>> {
    const info = await stat(this.file).catch(() => undefined);
    const fingerprint = info ? `${info.ino}:${info.mtimeMs}:${info.size}` : '-';
    if (this.snapshot?.fingerprint === fingerprint) return this.snapshot.entries;
    const entries = await this.parse();
    this.snapshot = { fingerprint, entries };
    return entries;
  }

  /** Rewrites the file with what `change` answers; `undefined` leaves it as it is. */
  update(
    change: (entries: Readonly<Record<string, T>>) => Record<string, T> | undefined,
  ): Promise<void> {
    const next = this.writes
      .catch(() => undefined)
      .then(async () => {
        const entries = change(await this.read());
        if (!entries) return;
        this.snapshot = undefined;
        await writeFileAtomic(this.file, `${JSON.stringify(entries, null, 2)}\n`, SECRET_FILE_MODE);
      });
    this.writes = next;
    return next;
  }

  private async parse(): Promise<Record<string, T>> {
    const text = await readFile(this.file, 'utf8').catch(() => undefined);
    if (text === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Never quote the content: it is secrets.
      this.logger.warn(`${this.file} is not valid JSON; treating it as empty`);
      return {};
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    // Own properties whatever the name (`__proto__` included), unlike assignments.
    return Object.fromEntries(
      Object.entries(parsed).flatMap(([name, value]) => {
        const entry = this.accept(name, value);
        return entry === undefined ? [] : [[name, entry] as const];
      }),
    );
  }
}
