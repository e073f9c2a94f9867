/**
 * Cursor paging shared by the list calls: follows `nextCursor` page after page and refuses a
 * cursor the API already returned (an endless loop otherwise).
 */
import { ComposioResponseError } from './errors.js';

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every item of every page, from the first page (no cursor) to the one with `nextCursor: null`. */
export async function* followCursor<T>(
  path: string,
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
): AsyncGenerator<T, void, undefined> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield* page.items;
    if (page.nextCursor === null || page.items.length === 0) return;
    if (seen.has(page.nextCursor)) {
      throw new ComposioResponseError({
        status: 200,
        method: 'GET',
        path,
        at: '$.next_cursor',
        expected: `a cursor not returned before (got "${page.nextCursor}" twice; stopped to avoid an endless loop)`,
      });
    }
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}
