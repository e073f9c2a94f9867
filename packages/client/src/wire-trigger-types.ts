/**
 * Guards of the trigger types API's answers (snake_case in, camelCase out), in the style of
 * `wire.ts`: a missing or mistyped documented field is a `ShapeError` naming it; extra fields are
 * ignored.
 */
import type { TriggerType, TriggerTypePage } from './trigger-types.js';
import { count, nonEmpty, type Obj, object, ShapeError, string } from './wire.js';

function text(obj: Obj, key: string, at: string, nonEmptyString = false): string {
  return nonEmptyString ? nonEmpty(obj, key, at) : string(obj, key, at);
}

/** A JSON Schema at `at`: an object whose `type`, `properties`, `$defs` and `required` are well-formed. */
function schema(obj: Obj, key: string, at: string): Obj {
  const where = `${at}.${key}`;
  const value = object(obj[key], where);
  if (value.properties !== undefined) object(value.properties, `${where}.properties`);
  if (value.$defs !== undefined) object(value.$defs, `${where}.$defs`);
  if (
    value.required !== undefined &&
    (!Array.isArray(value.required) || !value.required.every((r) => typeof r === 'string'))
  ) {
    throw new ShapeError(`${where}.required`, 'an array of property names');
  }
  return value;
}

export function parseTriggerType(value: unknown, at = '$'): TriggerType {
  const obj = object(value, at);
  const toolkit = object(obj.toolkit, `${at}.toolkit`);
  return {
    slug: text(obj, 'slug', at, true),
    name: text(obj, 'name', at),
    description: text(obj, 'description', at),
    instructions: text(obj, 'instructions', at),
    type: text(obj, 'type', at, true),
    toolkit: {
      slug: text(toolkit, 'slug', `${at}.toolkit`, true),
      name: text(toolkit, 'name', `${at}.toolkit`),
      logo: text(toolkit, 'logo', `${at}.toolkit`),
    },
    config: schema(obj, 'config', at),
    payload: schema(obj, 'payload', at),
    version: text(obj, 'version', at, true),
  };
}

export function parseTriggerTypePage(value: unknown): TriggerTypePage {
  const obj = object(value, '$');
  if (!Array.isArray(obj.items)) throw new ShapeError('$.items', 'an array of trigger types');
  const next = obj.next_cursor;
  if (next !== undefined && next !== null && typeof next !== 'string') {
    throw new ShapeError('$.next_cursor', 'a string or null');
  }
  return {
    items: obj.items.map((item, i) => parseTriggerType(item, `$.items[${i}]`)),
    nextCursor: typeof next === 'string' && next !== '' ? next : null,
    totalPages: count(obj, 'total_pages', '$'),
    currentPage: count(obj, 'current_page', '$'),
    totalItems: count(obj, 'total_items', '$'),
  };
}

/** `GET /triggers_types/list/enum`: an array of slugs (or `{ items: [...] }`). */
export function parseTriggerSlugs(value: unknown): string[] {
  const list = Array.isArray(value) ? value : object(value, '$').items;
  const at = Array.isArray(value) ? '$' : '$.items';
  if (!Array.isArray(list)) throw new ShapeError(at, 'an array of trigger slugs');
  return list.map((slug, i) => {
    if (typeof slug !== 'string' || slug === '')
      throw new ShapeError(`${at}[${i}]`, 'a trigger slug');
    return slug;
  });
}
