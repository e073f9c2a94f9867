/**
 * `createTriggerTypesClient()`: Composio's trigger types API (`/api/v3/triggers_types`), typed.
 * Each trigger type carries the JSON Schema of the `data` its deliveries hold (`payload`), which
 * `composio-webhooks generate types` / `generate validators` turn into types and validators.
 */
import { DEFAULT_BASE_URL, TRIGGER_TYPES_API_PATH } from './base-url.js';
import { ComposioConfigError } from './errors.js';
import { send } from './http.js';
import { followCursor } from './paging.js';
import { resolveConfig } from './subscriptions.js';
import type { RequestOptions, SubscriptionsClientOptions } from './types.js';
import { ShapeError } from './wire.js';
import { parseTriggerSlugs, parseTriggerType, parseTriggerTypePage } from './wire-trigger-types.js';

/**
 * @deprecated `baseUrl` is Composio's API origin for every client now (`DEFAULT_BASE_URL`); the
 * trigger types client adds `/api/v3` itself.
 */
export const DEFAULT_TRIGGER_TYPES_BASE_URL = DEFAULT_BASE_URL;

/** The API's largest page (`limit`). */
export const MAX_TRIGGER_TYPES_LIMIT = 1000;

/** A JSON Schema object as sent by Composio (Pydantic style: `title`, `$defs`, `anyOf` with null). */
export type JsonSchemaObject = Record<string, unknown>;

/** One trigger type: what a trigger is and the JSON Schemas of its configuration and data. */
export interface TriggerType {
  /** e.g. `GITHUB_COMMIT_EVENT`: the `metadata.trigger_slug` of its deliveries. */
  slug: string;
  name: string;
  description: string;
  instructions: string;
  /** `webhook` or `poll`; a newer kind passes through as a string. */
  type: 'webhook' | 'poll' | (string & {});
  toolkit: { slug: string; name: string; logo: string };
  /** JSON Schema of the trigger's configuration. */
  config: JsonSchemaObject;
  /** JSON Schema of the `data` this trigger delivers. */
  payload: JsonSchemaObject;
  /** Schema version, e.g. `20250930_00`. */
  version: string;
}

export interface TriggerTypePage {
  items: TriggerType[];
  nextCursor: string | null;
  totalPages: number;
  currentPage: number;
  totalItems: number;
}

/** `'latest'`, or a version per toolkit slug (`{ gmail: '20250930_00' }`). */
export type ToolkitVersions = 'latest' | Readonly<Record<string, string>>;

export interface ListTriggerTypesParams {
  /** Toolkit slugs, e.g. `['github', 'gmail']`. Omitted: every toolkit. */
  toolkitSlugs?: readonly string[];
  /** Which schema versions to read. Omitted: the API's default (latest). */
  toolkitVersions?: ToolkitVersions;
  /** Page size, 1…1000. Omitted: the API's default. */
  limit?: number;
}

export interface TriggerTypesClient {
  /** Composio's API origin in use (`baseUrl` after defaults), without a trailing slash. */
  readonly baseUrl: string;
  /** Where requests go: `baseUrl` + `/api/v3`. */
  readonly apiUrl: string;
  /** Every trigger type of the given toolkits: all pages, following `next_cursor`. */
  listTriggerTypes(
    params?: ListTriggerTypesParams,
    options?: RequestOptions,
  ): Promise<TriggerType[]>;
  /** One page (`cursor` from the previous page's `nextCursor`). */
  listTriggerTypesPage(
    params?: ListTriggerTypesParams & { cursor?: string },
    options?: RequestOptions,
  ): Promise<TriggerTypePage>;
  /** One trigger type by slug; `ComposioApiError` with status 404 when there is none. */
  getTriggerType(
    slug: string,
    params?: { toolkitVersions?: ToolkitVersions },
    options?: RequestOptions,
  ): Promise<TriggerType>;
  /** Every trigger slug Composio knows. */
  listTriggerSlugs(options?: RequestOptions): Promise<string[]>;
}

/**
 * Same options as `createSubscriptionsClient` (API key, `baseUrl` origin, `fetch`, timeout,
 * retries); requests go to `${baseUrl}/api/v3/triggers_types`.
 */
export function createTriggerTypesClient(
  options: SubscriptionsClientOptions = {},
): TriggerTypesClient {
  const config = resolveConfig(options, TRIGGER_TYPES_API_PATH);
  const base = '/triggers_types';

  const client: TriggerTypesClient = {
    baseUrl: config.origin,
    apiUrl: config.baseUrl,

    async listTriggerTypesPage(params = {}, requestOptions = {}) {
      const query = listQuery(params);
      if (params.cursor !== undefined) query.cursor = params.cursor;
      return send(
        config,
        { method: 'GET', path: base, query, idempotent: true, signal: requestOptions.signal },
        parseTriggerTypePage,
      );
    },

    async listTriggerTypes(params = {}, requestOptions = {}) {
      const items: TriggerType[] = [];
      const pages = followCursor(base, (cursor) =>
        client.listTriggerTypesPage({ ...params, cursor }, requestOptions),
      );
      for await (const item of pages) items.push(item);
      return items;
    },

    async getTriggerType(slug, params = {}, requestOptions = {}) {
      if (typeof slug !== 'string' || slug.trim() === '') {
        throw new ComposioConfigError(
          'INVALID_ARGUMENT',
          'getTriggerType(slug) needs a trigger slug such as "GITHUB_COMMIT_EVENT".',
        );
      }
      return send(
        config,
        {
          method: 'GET',
          path: `${base}/${encodeURIComponent(slug)}`,
          query: versionsQuery(params.toolkitVersions),
          idempotent: true,
          signal: requestOptions.signal,
        },
        (data) => parseTriggerType(data),
      );
    },

    async listTriggerSlugs(requestOptions = {}) {
      return send(
        config,
        {
          method: 'GET',
          path: `${base}/list/enum`,
          idempotent: true,
          signal: requestOptions.signal,
        },
        parseTriggerSlugs,
      );
    },
  };
  return client;
}

function listQuery(params: ListTriggerTypesParams): Record<string, string | readonly string[]> {
  const query: Record<string, string | readonly string[]> = versionsQuery(params.toolkitVersions);
  if (params.toolkitSlugs !== undefined) {
    const slugs = params.toolkitSlugs;
    if (
      !Array.isArray(slugs) ||
      !slugs.every((slug) => typeof slug === 'string' && /^[A-Za-z0-9_-]+$/.test(slug))
    ) {
      throw new ComposioConfigError(
        'INVALID_ARGUMENT',
        `toolkitSlugs must be an array of toolkit slugs such as ["github", "gmail"], got ${JSON.stringify(slugs)}.`,
      );
    }
    if (slugs.length > 0) query.toolkit_slugs = slugs.map((slug) => slug.toLowerCase());
  }
  if (params.limit !== undefined) {
    if (
      !Number.isInteger(params.limit) ||
      params.limit < 1 ||
      params.limit > MAX_TRIGGER_TYPES_LIMIT
    ) {
      throw new ComposioConfigError(
        'INVALID_ARGUMENT',
        `limit must be an integer between 1 and ${MAX_TRIGGER_TYPES_LIMIT}, got ${params.limit}.`,
      );
    }
    query.limit = String(params.limit);
  }
  return query;
}

/** `toolkit_versions=latest`, or bracket notation: `toolkit_versions[gmail]=20250930_00`. */
function versionsQuery(versions: ToolkitVersions | undefined): Record<string, string> {
  if (versions === undefined) return {};
  if (versions === 'latest') return { toolkit_versions: 'latest' };
  if (typeof versions !== 'object' || versions === null || Array.isArray(versions)) {
    throw new ComposioConfigError(
      'INVALID_ARGUMENT',
      `toolkitVersions must be 'latest' or an object such as { gmail: '20250930_00' }, got ${JSON.stringify(versions)}.`,
    );
  }
  const query: Record<string, string> = {};
  for (const [toolkit, version] of Object.entries(versions)) {
    if (typeof version !== 'string' || version.trim() === '' || !/^[A-Za-z0-9_-]+$/.test(toolkit)) {
      throw new ComposioConfigError(
        'INVALID_ARGUMENT',
        `toolkitVersions.${toolkit} must be a version string such as "20250930_00" or "latest", got ${JSON.stringify(version)}.`,
      );
    }
    query[`toolkit_versions[${toolkit.toLowerCase()}]`] = version;
  }
  return query;
}

/**
 * Trigger types from saved API answers (for offline builds): a `GET /triggers_types` answer, an
 * array of such pages, an array of trigger types, or one trigger type. Checked like a live
 * answer; `ComposioConfigError` (`INVALID_ARGUMENT`) names the field that is wrong.
 */
export function parseSavedTriggerTypes(value: unknown, source = 'the saved answer'): TriggerType[] {
  try {
    const pages = Array.isArray(value) ? value : [value];
    return pages.flatMap((entry, i) => {
      const isPage = typeof entry === 'object' && entry !== null && 'items' in entry;
      if (!isPage) return [parseTriggerType(entry, Array.isArray(value) ? `$[${i}]` : '$')];
      return parseTriggerTypePage(entry).items;
    });
  } catch (error) {
    if (error instanceof ShapeError) {
      throw new ComposioConfigError(
        'INVALID_ARGUMENT',
        `${source} is not a trigger types answer: expected ${error.expected} at ${error.at}.`,
      );
    }
    throw error;
  }
}
