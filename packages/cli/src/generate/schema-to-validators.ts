/**
 * Trigger types → a module of precompiled validators (Ajv standalone code): plain functions, so
 * no schema compiler runs in the server. It exports `triggerValidators` (also the default
 * export), the `triggerValidators` option of `createWebhookReceiver` and of every adapter.
 *
 * The validators follow JSON Schema: fields a schema does not name pass (Composio adds fields);
 * `format` is not checked (the types say `string`; Composio's formats are informative).
 */
import type { TriggerType } from '@composio-webhooks/client';
import { Ajv } from 'ajv';
// The CommonJS module is the function itself and also its `default`: `.default` works in both builds.
import standaloneCode from 'ajv/dist/standalone/index.js';
import { DEFAULT_AUGMENTED_MODULE, sortTriggers, stampLines } from './stamp.js';

export type ValidatorsFormat = 'esm' | 'cjs';

export interface GeneratedValidators {
  /** The JavaScript module. */
  code: string;
  /** Its declaration file. */
  declaration: string;
}

export function generateTriggerValidators(
  triggers: readonly TriggerType[],
  options: { format?: ValidatorsFormat; moduleName?: string } = {},
): GeneratedValidators {
  const format = options.format ?? 'esm';
  const sorted = sortTriggers(triggers);
  const ajv = new Ajv({
    code: { source: true, esm: format === 'esm', lines: true },
    strict: false,
    validateFormats: false,
    allErrors: false,
  });
  const exports: Record<string, string> = {};
  for (const [i, trigger] of sorted.entries()) {
    // `$id`s inside Composio's schemas would clash between triggers: key each by its slug.
    const { $id: _ignored, ...schema } = trigger.payload;
    ajv.addSchema(schema, trigger.slug);
    exports[`triggerValidator${i}`] = trigger.slug;
  }
  const compiled = sorted.length === 0 ? '' : standaloneCode.default(ajv, exports);
  const { code: body, imports } =
    format === 'esm' ? importRuntime(compiled) : { code: compiled, imports: [] };

  const table = sorted
    .map(
      (trigger, i) =>
        `  ${JSON.stringify(trigger.slug)}: Object.freeze({ validate: ${format === 'esm' ? '' : 'exports.'}triggerValidator${i}, toolkit: ${JSON.stringify(trigger.toolkit.slug)}, version: ${JSON.stringify(trigger.version)} }),`,
    )
    .join('\n');
  const header = [
    ...stampLines('validators', sorted),
    ...(imports.length > 0
      ? ['', 'It imports small runtime helpers of `ajv`: keep `ajv` in your dependencies.']
      : []),
  ].map((line) => `// ${line}`.trimEnd());
  const exportsBlock =
    format === 'esm'
      ? `export const triggerValidators = Object.freeze({\n${table}\n});\nexport default triggerValidators;\n`
      : `const triggerValidators = Object.freeze({\n${table}\n});\nexports.triggerValidators = triggerValidators;\nexports.default = triggerValidators;\n`;
  const code = [
    header.join('\n'),
    format === 'cjs' ? "'use strict';" : '',
    ...imports,
    body.replace(/^"use strict";/, '').trim(),
    exportsBlock,
  ]
    .filter((part) => part !== '')
    .join('\n');

  const moduleName = options.moduleName ?? DEFAULT_AUGMENTED_MODULE;
  const declaration = `${header.join('\n')}\nimport type { TriggerValidators } from '${moduleName}';\n\nexport declare const triggerValidators: TriggerValidators;\nexport default triggerValidators;\n`;
  return { code: `${code}\n`.replace(/\n+$/, '\n'), declaration };
}

/** Ajv's standalone ESM still `require`s its runtime helpers: turn them into imports. */
function importRuntime(code: string): { code: string; imports: string[] } {
  const names = new Map<string, string>();
  const replaced = code.replace(/require\("([^"]+)"\)/g, (_all, specifier: string) => {
    let name = names.get(specifier);
    if (!name) {
      name = `ajvRuntime${names.size}`;
      names.set(specifier, name);
    }
    return name;
  });
  const imports = [...names].map(
    ([specifier, name]) =>
      `import ${name} from ${JSON.stringify(specifier.endsWith('.js') ? specifier : `${specifier}.js`)};`,
  );
  return { code: replaced, imports };
}
