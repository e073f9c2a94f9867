/**
 * `generate types` and `generate validators`: trigger types (from the API, or saved answers with
 * `--from-file`) → a declaration file that augments `TriggerPayloads`, or a module of
 * precompiled validators for the receiver's `triggerValidators` option.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { TriggerType } from '@composio-webhooks/client';
import {
  choiceValue,
  expectPositionals,
  type OptionSpecs,
  stringValue,
  UsageError,
} from '../args.js';
import { type Command, type CommandContext, withSpinner } from '../context.js';
import type { ValidatorsFormat } from '../generate/schema-to-validators.js';
import { loadTriggers, SAVED_ANSWER_FORMAT, SAVED_ANSWER_HOWTO } from '../generate/sources.js';
import { DEFAULT_AUGMENTED_MODULE, toolkitVersions } from '../generate/stamp.js';

// The generators (json-schema-to-typescript with Prettier, Ajv) are imported only when a generate
// command runs, so the other commands start as fast as before.

const SOURCE_OPTIONS = {
  toolkits: { type: 'string', multiple: true },
  trigger: { type: 'string', multiple: true },
  'toolkit-versions': { type: 'string' },
  'from-file': { type: 'string', multiple: true },
  out: { type: 'string' },
  module: { type: 'string' },
} as const satisfies OptionSpecs;

const SOURCE_HELP = `  --toolkits <list>          toolkit slugs, comma-separated (e.g. github,gmail)
  --trigger <SLUG>           only this trigger (repeatable); without --toolkits it is fetched by slug
  --toolkit-versions <spec>  latest (default) or per toolkit: github=20251001_00,gmail=latest
  --from-file <file>         saved API answers instead of the API (repeatable; offline builds):
                             see "Saved answers" below
  --module <name>            the package your code imports the router from (default ${DEFAULT_AUGMENTED_MODULE})
  --out <file>               where to write (directories are created)

The trigger types API lives at https://backend.composio.dev/api/v3 (the default here, unless
--base-url or COMPOSIO_BASE_URL says otherwise).

Saved answers (--from-file): ${SAVED_ANSWER_FORMAT} Save one with
  ${SAVED_ANSWER_HOWTO}`;

export const generateTypesCommand: Command = {
  name: 'generate types',
  usesApi: true,
  summary:
    'Write TypeScript types of trigger data (augments TriggerPayloads) from Composio’s schemas.',
  help: `Usage: composio-webhooks generate types --toolkits github,gmail [--trigger SLUG …] [--toolkit-versions …] [--from-file <answers.json> …] --out src/composio-triggers.d.ts

Reads GET /api/v3/triggers_types (or saved answers) and writes a declaration file with one
TriggerPayloads entry per trigger slug, so router.onTrigger(slug, e => e.data…) is typed.
The same input always gives the same bytes; the header names the toolkit schema versions.

Options:
${SOURCE_HELP}`,
  options: SOURCE_OPTIONS,
  async run(ctx) {
    const out = requiredOut(ctx);
    const triggers = await loadTriggers(ctx);
    const text = await withSpinner(ctx.out, generating('types', triggers), async () => {
      const { generateTriggerTypes } = await import('../generate/schema-to-types.js');
      return generateTriggerTypes(triggers, { moduleName: moduleName(ctx) });
    });
    return report(ctx, triggers, [await writeIfChanged(out, text)]);
  },
};

export const generateValidatorsCommand: Command = {
  name: 'generate validators',
  usesApi: true,
  summary:
    'Write precompiled validators of trigger data for the receiver’s triggerValidators option.',
  help: `Usage: composio-webhooks generate validators --toolkits github,gmail [--trigger SLUG …] [--from-file <answers.json> …] --out src/composio-validators.js [--format esm|cjs]

Writes a module of standalone validators (no schema compiler at run time) and its .d.ts. Pass it
to the receiver: composioWebhook({ router, triggerValidators }) — a mismatch is logged
(triggerMismatch: 'warn', the default) or answered 400 (triggerMismatch: 'strict').

Options:
${SOURCE_HELP}
  --format <esm|cjs>         module format (default: cjs for a .cjs file, else esm)`,
  options: { ...SOURCE_OPTIONS, format: { type: 'string' } },
  async run(ctx) {
    const out = requiredOut(ctx);
    const format: ValidatorsFormat =
      choiceValue(ctx.values, 'format', ['esm', 'cjs'] as const, ctx.command) ??
      (out.endsWith('.cjs') ? 'cjs' : 'esm');
    const triggers = await loadTriggers(ctx);
    const { code, declaration } = await withSpinner(
      ctx.out,
      generating('validators', triggers),
      async () => {
        const { generateTriggerValidators } = await import('../generate/schema-to-validators.js');
        return generateTriggerValidators(triggers, { format, moduleName: moduleName(ctx) });
      },
    );
    const written = [
      await writeIfChanged(out, code),
      await writeIfChanged(declarationPath(out), declaration),
    ];
    return report(ctx, triggers, written);
  },
};

function generating(what: string, triggers: readonly TriggerType[]): string {
  return `Generating ${what} for ${triggers.length} trigger type${triggers.length === 1 ? '' : 's'}…`;
}

function requiredOut(ctx: CommandContext): string {
  expectPositionals(ctx.positionals, ctx.command, { max: 0, names: '' });
  const out = stringValue(ctx.values, 'out');
  if (out === undefined || out.trim() === '') {
    throw new UsageError(`${ctx.command} needs --out <file>.`, ctx.command);
  }
  return out;
}

function moduleName(ctx: CommandContext): string {
  return stringValue(ctx.values, 'module') ?? DEFAULT_AUGMENTED_MODULE;
}

function declarationPath(out: string): string {
  if (out.endsWith('.mjs')) return out.replace(/\.mjs$/, '.d.mts');
  if (out.endsWith('.cjs')) return out.replace(/\.cjs$/, '.d.cts');
  if (out.endsWith('.js')) return out.replace(/\.js$/, '.d.ts');
  return `${out}.d.ts`;
}

async function writeIfChanged(
  file: string,
  text: string,
): Promise<{ file: string; changed: boolean }> {
  const path = resolve(file);
  const before = await readFile(path, 'utf8').catch(() => undefined);
  if (before === text) return { file, changed: false };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return { file, changed: true };
}

function report(
  ctx: CommandContext,
  triggers: readonly TriggerType[],
  written: readonly { file: string; changed: boolean }[],
): number {
  const versions = toolkitVersions(triggers);
  if (ctx.out.json) {
    ctx.out.data({
      files: written,
      triggers: triggers
        .map((t) => ({ slug: t.slug, toolkit: t.toolkit.slug, version: t.version }))
        .sort((a, b) => (a.slug < b.slug ? -1 : 1)),
    });
    return 0;
  }
  for (const { file, changed } of written) {
    ctx.out.line(`${changed ? 'Wrote' : 'Unchanged'} ${file}`);
  }
  ctx.out.line(
    ctx.out.style.dim(
      `${triggers.length} trigger type${triggers.length === 1 ? '' : 's'}: ${versions.join('; ')}`,
    ),
  );
  return 0;
}
