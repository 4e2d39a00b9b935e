import { Injectable } from '@nestjs/common';
import type { MessageInfo } from '../session/dto/message.dto';
import type { Part } from '../session/dto/part.dto';
import type { Session, SnapshotFileDiffDto } from '../session/dto/session.dto';
import type { ModelInfo } from '../provider/provider.types';
import { ShareServiceError } from './share.errors';
import type { StoredShare } from './share.repository';

/** A model as a share page shows it: its `Model` without call options and headers. */
export type SharedModel = Omit<ModelInfo, 'options' | 'headers'>;

/** One item of a sync, as the reference's share service takes them. */
export type ShareData =
  | { type: 'session'; data: Session }
  | { type: 'message'; data: MessageInfo }
  | { type: 'part'; data: Part }
  | { type: 'session_diff'; data: SnapshotFileDiffDto[] }
  | { type: 'model'; data: SharedModel[] };

export interface CreatedShare {
  id: string;
  url: string;
  secret: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The share service's HTTP API, as the reference calls it: `POST /api/share` creates a share
 * (`{ id, url, secret }`), `POST /api/share/:id/sync` sends data, `DELETE /api/share/:id`
 * removes it; the secret travels in the bodies. Failures are `ShareServiceError`s.
 */
@Injectable()
export class ShareClient {
  async create(baseUrl: string, sessionID: string): Promise<CreatedShare> {
    const body = await this.request(baseUrl, '/api/share', 'POST', { sessionID });
    if (!isCreatedShare(body)) {
      throw new ShareServiceError('The share service answered without an id, url and secret');
    }
    return { id: body.id, url: body.url, secret: body.secret };
  }

  async sync(share: StoredShare, data: ShareData[]): Promise<void> {
    await this.request(
      share.baseUrl,
      `/api/share/${encodeURIComponent(share.shareID)}/sync`,
      'POST',
      {
        secret: share.secret,
        data,
      },
    );
  }

  /** Removes the share; one the service no longer has (404) counts as removed. */
  async remove(share: StoredShare): Promise<void> {
    try {
      await this.request(
        share.baseUrl,
        `/api/share/${encodeURIComponent(share.shareID)}`,
        'DELETE',
        {
          secret: share.secret,
        },
      );
    } catch (error) {
      if (error instanceof ShareServiceError && error.data.status === 404) return;
      throw error;
    }
  }

  private async request(
    baseUrl: string,
    path: string,
    method: 'POST' | 'DELETE',
    body: unknown,
  ): Promise<unknown> {
    const url = `${baseUrl.replace(/\/+$/, '')}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ShareServiceError(
        `The share service at ${originOf(baseUrl)} cannot be reached: ${causeOf(error)}`,
      );
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new ShareServiceError(`The share service answered ${response.status}`, response.status);
    }
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ShareServiceError('The share service answered something other than JSON');
    }
  }
}

function isCreatedShare(value: unknown): value is CreatedShare {
  if (typeof value !== 'object' || value === null) return false;
  const { id, url, secret } = value as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    id !== '' &&
    typeof url === 'string' &&
    url !== '' &&
    typeof secret === 'string'
  );
}

/** The service's origin for messages: never a path or query that might carry a token. */
function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return 'an invalid URL';
  }
}

/** `fetch failed` hides the reason in `cause` (ECONNREFUSED, a timeout). */
function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return error.name === 'TimeoutError' ? 'timed out' : error.message;
}
