import { InvalidCursorError } from './session-v2.errors';

/** Where a page starts: after (`next`) or before (`previous`) the item with this id. */
export interface PageAnchor {
  id: string;
  direction: 'next' | 'previous';
}

/** A page cursor: the listing it pages (filters and order, fixed by the first page) and where. */
export interface PageCursor<Q> {
  query: Q;
  anchor: PageAnchor;
}

/** Cursors are opaque to clients: base64url JSON, so a later version may add to them. */
export function encodeCursor<Q>(query: Q, id: string, direction: PageAnchor['direction']): string {
  const cursor: PageCursor<Q> = { query, anchor: { id, direction } };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor<Q>(text: string): PageCursor<Q> {
  let cursor: Partial<PageCursor<Q>> | undefined;
  try {
    cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageCursor<Q>;
  } catch {
    throw new InvalidCursorError();
  }
  const anchor = cursor?.anchor;
  if (
    typeof cursor?.query !== 'object' ||
    cursor.query === null ||
    typeof anchor?.id !== 'string' ||
    (anchor.direction !== 'next' && anchor.direction !== 'previous')
  )
    throw new InvalidCursorError();
  return cursor as PageCursor<Q>;
}

/**
 * One page of `items` (in list order): the first `limit`, or the `limit` after / before the
 * anchor. `previous` / `next` name the page's first / last item when items lie beyond it. An
 * anchor that is no longer listed gives an empty page.
 */
export function pageOf<T>(
  items: readonly T[],
  idOf: (item: T) => string,
  limit: number,
  anchor?: PageAnchor,
): { items: T[]; previous?: string; next?: string } {
  let start = 0;
  let end = Math.min(limit, items.length);
  if (anchor) {
    const index = items.findIndex((item) => idOf(item) === anchor.id);
    if (index < 0) return { items: [] };
    if (anchor.direction === 'next') {
      start = index + 1;
      end = Math.min(start + limit, items.length);
    } else {
      end = index;
      start = Math.max(0, end - limit);
    }
  }
  const page = items.slice(start, end);
  if (page.length === 0) return { items: [] };
  return {
    items: page,
    ...(start > 0 && { previous: idOf(page[0]) }),
    ...(end < items.length && { next: idOf(page[page.length - 1]) }),
  };
}
