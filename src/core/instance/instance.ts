import { Logger } from '@nestjs/common';
import type { EventSource } from '../bus/bus.service';
import type { DetectedProject } from './project-detector';

type Disposer = () => void | Promise<void>;

/**
 * The per-directory context of the server: the project a request works on, state that areas keep
 * for it (file index, watchers, config cache), and the signal that tells them it is going away.
 */
export class Instance implements EventSource {
  private readonly state = new Map<symbol, unknown>();
  private readonly disposers: Disposer[] = [];
  private readonly lifetime = new AbortController();

  constructor(
    /** The directory requests named (absolute, symlinks resolved). */
    readonly directory: string,
    readonly project: DetectedProject,
  ) {}

  get projectID(): string {
    return this.project.id;
  }

  get worktree(): string {
    return this.project.worktree;
  }

  /** Aborted when the instance is disposed. */
  get signal(): AbortSignal {
    return this.lifetime.signal;
  }

  get disposed(): boolean {
    return this.lifetime.signal.aborted;
  }

  /**
   * State an area keeps for this directory, created on first use. `dispose`, when given, runs
   * once when the instance is disposed.
   */
  getOrCreate<T>(key: symbol, create: () => T, dispose?: (value: T) => void | Promise<void>): T {
    if (this.state.has(key)) return this.state.get(key) as T;
    const value = create();
    this.state.set(key, value);
    if (dispose) this.disposers.push(() => dispose(value));
    return value;
  }

  async dispose(logger: Logger): Promise<void> {
    if (this.disposed) return;
    this.lifetime.abort();
    const disposers = this.disposers.splice(0).reverse();
    for (const run of disposers) {
      try {
        await run();
      } catch (error) {
        logger.warn(`cleanup of ${this.directory} failed: ${String(error)}`);
      }
    }
    this.state.clear();
  }
}
