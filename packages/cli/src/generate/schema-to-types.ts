/**
 * Trigger types → one declaration file that augments `TriggerPayloads`, with
 * `json-schema-to-typescript` doing the schema → TypeScript work. Each trigger's types live in a
 * namespace named after its slug, so `$defs` of the same name in two triggers never collide.
 *
 * Deterministic: triggers sorted by slug, no dates, formatting by a pinned Prettier — the same
 * answers give a byte-identical file, and a new schema version shows up as a readable diff.
 */
import type { TriggerType } from '@composio-webhooks/client';
import { compile, type Options } from 'json-schema-to-typescript';
import { DEFAULT_AUGMENTED_MODULE, sortTriggers, stampLines, type TriggerSchema } from './stamp.js';

export interface GenerateTypesOptions {
  /** The module whose `TriggerPayloads` is augmented. Default `@composio-webhooks/core`. */
  moduleName?: string;
}

const COMPILE_OPTIONS: Partial<Options> = {
  bannerComment: '',
  // Composio's schemas are self-contained (`#/$defs/…`): never fetch or read a referenced file.
  $refOptions: { resolve: { external: false } },
  // Types name the documented fields only, so a typo is a compile error; the runtime validators
  // still let fields the schema does not name through (Composio adds fields).
  additionalProperties: false,
  declareExternallyReferenced: true,
  enableConstEnums: false,
  format: true,
  strictIndexSignatures: true,
  unknownAny: true,
  unreachableDefinitions: false,
  style: { singleQuote: true, semi: true, printWidth: 100, trailingComma: 'all', tabWidth: 2 },
};

/**
 * The root type of each trigger's namespace: `GITHUB_COMMIT_EVENT.Payload` (`TriggerPayload`, …
 * when a `$defs` model is already called so).
 */
function rootName(payload: TriggerSchema): string {
  const defs = (payload.$defs ?? payload.definitions ?? {}) as Record<string, TriggerSchema>;
  const taken = new Set(
    Object.entries(defs).flatMap(([key, def]) => [
      key,
      typeof def?.title === 'string' ? def.title : key,
    ]),
  );
  for (const name of ['Payload', 'TriggerPayload', 'TriggerData'])
    if (!taken.has(name)) return name;
  let i = 2;
  while (taken.has(`Payload${i}`)) i++;
  return `Payload${i}`;
}

export async function generateTriggerTypes(
  triggers: readonly TriggerType[],
  options: GenerateTypesOptions = {},
): Promise<string> {
  const moduleName = options.moduleName ?? DEFAULT_AUGMENTED_MODULE;
  const sorted = sortTriggers(triggers);
  const namespaces: string[] = [];
  const entries: string[] = [];
  for (const trigger of sorted) {
    const namespace = namespaceName(trigger.slug);
    const root = rootName(trigger.payload);
    const body = await compile(prepare(trigger.payload, root) as never, root, COMPILE_OPTIONS);
    namespaces.push(
      `${doc([`${trigger.name} (${trigger.slug}): the types of its \`data\`.`], '')}` +
        `export declare namespace ${namespace} {\n${indent(body.trim(), '  ')}\n}\n`,
    );
    entries.push(
      `${doc(
        [
          `${trigger.name}${trigger.description ? `: ${trigger.description}` : ''}`,
          '',
          `Toolkit \`${trigger.toolkit.slug}\`, schema version \`${trigger.version}\`, ${trigger.type} trigger.`,
        ],
        '    ',
      )}    ${propertyKey(trigger.slug)}: ${namespace}.${root};\n`,
    );
  }
  const header = stampLines('types', sorted).map((line) => `// ${line}`.trimEnd());
  return [
    `${header.join('\n')}\n`,
    ...namespaces,
    `declare module '${moduleName}' {\n  interface TriggerPayloads {\n${entries.join('')}  }\n}\n`,
  ].join('\n');
}

/**
 * A copy of the schema made for json-schema-to-typescript: Pydantic puts a `title` on every
 * property, which would become one named type alias per field (`export type Author = string`).
 * Titles stay on the root and on `$defs` models (they name interfaces) and on inline objects;
 * elsewhere the title becomes the JSDoc when there is no description. Defaults become `@default`.
 */
function prepare(payload: TriggerSchema, root: string): TriggerSchema {
  const copy = structuredClone(payload);
  delete copy.$id;
  copy.title = root;
  const defs = (copy.$defs ?? copy.definitions) as Record<string, TriggerSchema> | undefined;
  walk(copy, true);
  for (const def of Object.values(defs ?? {})) walk(def, true);
  return copy;
}

function walk(schema: unknown, named: boolean): void {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return;
  const node = schema as TriggerSchema;
  const isObject = node.type === 'object' && typeof node.properties === 'object';
  if (!named && !isObject && typeof node.title === 'string') {
    if (typeof node.description !== 'string') node.description = node.title;
    delete node.title;
  }
  if ('default' in node && !named) {
    const text = JSON.stringify(node.default);
    if (text !== undefined && text.length <= 80) {
      node.description = `${typeof node.description === 'string' ? `${node.description}\n\n` : ''}@default ${text}`;
    }
  }
  for (const value of Object.values((node.properties ?? {}) as Record<string, unknown>)) {
    walk(value, false);
  }
  for (const key of ['items', 'additionalProperties', 'not'] as const) walk(node[key], false);
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const) {
    const list = node[key];
    if (Array.isArray(list)) for (const item of list) walk(item, false);
  }
}

function namespaceName(slug: string): string {
  const safe = slug.replace(/[^A-Za-z0-9_$]/g, '_');
  return /^[A-Za-z_$]/.test(safe) ? safe : `_${safe}`;
}

function propertyKey(slug: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(slug) ? slug : `'${slug.replace(/['\\]/g, '\\$&')}'`;
}

function doc(lines: readonly string[], pad: string): string {
  const safe = lines.map((line) => line.replace(/\*\//g, '*\\/'));
  return `${pad}/**\n${safe.map((line) => `${pad} *${line ? ` ${line}` : ''}`).join('\n')}\n${pad} */\n`;
}

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `${pad}${line}`))
    .join('\n');
}
