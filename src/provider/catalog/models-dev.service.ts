import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { get as httpGet, IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BusService } from '../../core/bus/bus.service';
import { AppEnvironment, DEFAULT_MODELS_URL } from '../../core/config/app-environment';
import { providerCatalog, ProviderCatalog } from './catalog-mapping';
import { ModelsDevCatalog, parseModelsDev, readSnapshot } from './models-dev';

/** How often the catalog is fetched again while the server runs, as the reference. */
const REFRESH_INTERVAL_MS = 60 * 60_000;
/** A cached copy younger than this is not fetched again (several servers sharing a cache). */
const FRESH_FOR_MS = 5 * 60_000;
const FETCH_TIMEOUT_MS = 10_000;
/** Retries of a failed fetch (network errors, 429 and 5xx), after 200 ms, then 400 ms. */
const FETCH_RETRIES = 2;
const MAX_REDIRECTS = 5;

/**
 * The models.dev catalog the providers come from, as the reference's `ModelsDev`: read on first
 * use (never at start: it is 5 MB of JSON) from `OPENCODE_MODELS_PATH`, else the copy cached in
 * the cache dir by the last fetch, else the snapshot bundled with the server. After start, and
 * then hourly, `<OPENCODE_MODELS_URL>/api.json` is fetched into the cache dir (unless
 * `OPENCODE_DISABLE_MODELS_FETCH`); the next use reads the new copy and `models-dev.refreshed`
 * tells clients. A failed fetch keeps what there is and logs one line.
 */
@Injectable()
export class ModelsDevService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ModelsDev');
  /** The catalog being read or read; dropped when a fetch replaced the cached copy. */
  private loading?: Promise<ProviderCatalog>;
  private refreshing?: Promise<boolean>;
  private timer?: NodeJS.Timeout;
  private readonly stopped = new AbortController();

  constructor(
    private readonly env: AppEnvironment,
    private readonly bus: BusService,
  ) {}

  /** The cached copy of the fetched catalog (the reference's file name for its default URL). */
  get cacheFile(): string {
    const url = this.env.modelsUrl;
    const name =
      url === DEFAULT_MODELS_URL
        ? 'models.json'
        : `models-${createHash('sha256').update(url).digest('hex').slice(0, 16)}.json`;
    return join(this.env.paths.cache, name);
  }

  /** The catalog, mapped onto the reference's providers and models; read on first call. */
  get(): Promise<ProviderCatalog> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  onApplicationBootstrap(): void {
    if (this.env.disableModelsFetch) return;
    // After start: the first fetch waits for the current start-up work to finish.
    const tick = () => void this.refresh();
    const first = setTimeout(tick, 0);
    first.unref();
    this.timer = setInterval(tick, REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.stopped.abort();
  }

  /**
   * Fetches the catalog into the cache dir unless the cached copy is younger than five minutes
   * (`force` fetches anyway). Answers whether a new copy was written; never throws.
   */
  refresh(force = false): Promise<boolean> {
    this.refreshing ??= this.fetchIfStale(force).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async fetchIfStale(force: boolean): Promise<boolean> {
    const file = this.cacheFile;
    try {
      if (!force && (await this.isFresh(file))) return false;
      await this.download(`${this.env.modelsUrl.replace(/\/+$/, '')}/api.json`, file);
    } catch (error) {
      if (!this.stopped.signal.aborted) {
        this.logger.warn(`Failed to fetch models.dev: ${describe(error)}`);
      }
      return false;
    }
    this.loading = undefined;
    this.bus.publish(undefined, 'models-dev.refreshed', {});
    return true;
  }

  private async isFresh(file: string): Promise<boolean> {
    const info = await stat(file).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs < FRESH_FOR_MS;
  }

  /**
   * Streams the answer to a temporary file renamed over the cached copy, so a reader never sees
   * half a catalog. The text is checked when it is next read, not here: a fetch should not
   * hold the whole catalog in memory.
   */
  private async download(url: string, file: string): Promise<void> {
    await mkdir(this.env.paths.cache, { recursive: true });
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await this.request(url);
        await pipeline(response, createWriteStream(temporary), { signal: this.stopped.signal });
        await rename(temporary, file);
        return;
      } catch (error) {
        await rm(temporary, { force: true });
        if (attempt >= FETCH_RETRIES || !isTransient(error) || this.stopped.signal.aborted) {
          throw error;
        }
        await delay(200 * 2 ** attempt * (0.5 + Math.random()));
      }
    }
  }

  /** A GET answered 200 (redirects followed), or an error naming the status. */
  private request(url: string, redirects = 0): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const get = target.protocol === 'http:' ? httpGet : httpsGet;
      const request = get(
        target,
        {
          headers: { 'user-agent': `opencode/${this.env.version}`, accept: 'application/json' },
          signal: AbortSignal.any([this.stopped.signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)]),
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const location = response.headers.location;
          if (status >= 300 && status < 400 && location && redirects < MAX_REDIRECTS) {
            response.resume();
            resolve(this.request(new URL(location, target).toString(), redirects + 1));
            return;
          }
          if (status !== 200) {
            response.resume();
            reject(new HttpStatusError(status));
            return;
          }
          resolve(response);
        },
      );
      request.on('error', reject);
    });
  }

  private async load(): Promise<ProviderCatalog> {
    const started = performance.now();
    const { catalog, from } = (await this.readCached()) ?? {
      catalog: readSnapshot(),
      from: 'the bundled snapshot',
    };
    const mapped = providerCatalog(catalog);
    const elapsed = Math.round(performance.now() - started);
    this.logger.debug(
      `catalog read from ${from} in ${elapsed} ms: ${Object.keys(mapped.providers).length} providers`,
    );
    return mapped;
  }

  /**
   * `OPENCODE_MODELS_PATH`, else the cached copy. A cached copy that cannot be read as a catalog
   * is removed (the next fetch replaces it), as the reference does.
   */
  private async readCached(): Promise<{ catalog: ModelsDevCatalog; from: string } | undefined> {
    const explicit = this.env.modelsPath;
    const file = explicit ?? this.cacheFile;
    try {
      return { catalog: parseModelsDev(await readFile(file, 'utf8')), from: file };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return undefined;
      this.logger.warn(`Ignoring the models catalog ${file}: ${describe(error)}`);
      if (!explicit) await rm(file, { force: true });
      return undefined;
    }
  }
}

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** Worth another try: the network or the server failed, not the request. */
function isTransient(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.status === 429 || error.status >= 500;
  return !(error instanceof Error && error.name === 'AbortError');
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'timed out';
  return error instanceof Error ? error.message : String(error);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
