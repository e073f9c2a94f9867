/**
 * The trigger types routes of the fake API (see `fake-api.ts` for the HTTP side), as documented:
 * `GET /triggers_types` (toolkit_slugs, toolkit_versions as `latest` or bracket notation, limit
 * up to 1000, cursor paging), `GET /triggers_types/{slug}` (404 for an unknown slug) and
 * `GET /triggers_types/list/enum`. Several versions of one trigger may be stored; `latest` (the
 * default) picks the highest.
 */
import { type Answer, HttpFailure } from './fake-store.js';

/** A trigger type as stored and sent on the wire. */
export interface FakeWireTriggerType {
  slug: string;
  name: string;
  description: string;
  instructions: string;
  type: string;
  toolkit: { slug: string; name: string; logo: string };
  config: Record<string, unknown>;
  payload: Record<string, unknown>;
  version: string;
}

const MAX_LIMIT = 1000;

export class FakeTriggerTypes {
  private items: FakeWireTriggerType[] = [];

  constructor(
    private readonly initial: readonly FakeWireTriggerType[],
    private readonly defaultLimit: number,
  ) {
    this.reset();
  }

  reset(): void {
    this.items = this.initial.map((item) => structuredClone(item));
  }

  add(items: readonly FakeWireTriggerType[]): void {
    this.items.push(...items.map((item) => structuredClone(item)));
  }

  /** Answers `GET /triggers_types…`; throws `HttpFailure` for API errors. */
  route(method: string, path: string, url: URL): Answer {
    if (method !== 'GET') throw new HttpFailure(405, 'MethodNotAllowed', `${method} not allowed.`);
    const versions = readVersions(url.searchParams);
    if (path === '/triggers_types')
      return { status: 200, body: this.list(url.searchParams, versions) };
    if (path === '/triggers_types/list/enum') {
      return { status: 200, body: [...new Set(this.items.map((t) => t.slug))].sort() };
    }
    const match = /^\/triggers_types\/([^/]+)$/.exec(path);
    if (match?.[1]) {
      const slug = decodeURIComponent(match[1]);
      const found = this.select(versions).find((t) => t.slug === slug);
      if (!found) {
        throw new HttpFailure(404, 'TriggerType_NotFound', `Trigger type ${slug} not found.`);
      }
      return { status: 200, body: found };
    }
    throw new HttpFailure(404, 'NotFound', `No route for ${method} ${path}.`);
  }

  private list(params: URLSearchParams, versions: Versions) {
    const limitText = params.get('limit');
    const limit = limitText === null ? this.defaultLimit : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new HttpFailure(
        400,
        'ValidationError',
        `limit must be an integer between 1 and ${MAX_LIMIT}.`,
      );
    }
    const toolkits = params
      .getAll('toolkit_slugs')
      .flatMap((value) => value.split(','))
      .map((slug) => slug.trim().toLowerCase())
      .filter((slug) => slug !== '');
    const matching = this.select(versions).filter(
      (t) => toolkits.length === 0 || toolkits.includes(t.toolkit.slug),
    );
    let offset = 0;
    const cursor = params.get('cursor');
    if (cursor !== null) {
      const decoded = /^t(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (!decoded?.[1]) throw new HttpFailure(400, 'ValidationError', 'Invalid cursor.');
      offset = Number(decoded[1]);
    }
    const next =
      offset + limit < matching.length
        ? Buffer.from(`t${offset + limit}`).toString('base64url')
        : null;
    return {
      items: matching.slice(offset, offset + limit),
      next_cursor: next,
      total_pages: Math.max(1, Math.ceil(matching.length / limit)),
      current_page: Math.floor(offset / limit) + 1,
      total_items: matching.length,
    };
  }

  /** One entry per slug: the requested version of its toolkit, else the latest. */
  private select(versions: Versions): FakeWireTriggerType[] {
    const bySlug = new Map<string, FakeWireTriggerType>();
    for (const item of this.items) {
      const wanted = versions[item.toolkit.slug];
      if (wanted !== undefined && wanted !== 'latest') {
        if (item.version === wanted) bySlug.set(item.slug, item);
        continue;
      }
      const current = bySlug.get(item.slug);
      if (!current || item.version > current.version) bySlug.set(item.slug, item);
    }
    return [...bySlug.values()].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  }
}

type Versions = Record<string, string>;

function readVersions(params: URLSearchParams): Versions {
  const versions: Versions = {};
  for (const [key, value] of params) {
    if (key === 'toolkit_versions') {
      if (value !== 'latest') {
        throw new HttpFailure(
          400,
          'ValidationError',
          'toolkit_versions must be "latest" or toolkit_versions[<toolkit>]=<version>.',
        );
      }
      continue;
    }
    const match = /^toolkit_versions\[([^\]]+)\]$/.exec(key);
    if (match?.[1]) versions[match[1].toLowerCase()] = value;
  }
  return versions;
}
