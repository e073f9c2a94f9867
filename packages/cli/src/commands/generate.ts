/**
 * `generate types` and `generate validators`: trigger types (from the API, or saved answers with
 * `--from-file`) → a declaration file that augments `TriggerPayloads`, or a module of
 * precompiled validators for the receiver's `triggerValidators` option.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  createTriggerTypesClient,
  isComposioApiError,
  parseSavedTriggerTypes,
  type ToolkitVersions,
  type TriggerType,
} from '@composio-webhooks/client';
import {
  choiceValue,
  expectPositionals,
  type OptionSpecs,
  stringList,
  stringValue,
  UsageError,
} from '../args.js';
import {
  CliError,
  type Command,
  type CommandContext,
  clientOptions,
  withSpinner,
} from '../context.js';
import type { ValidatorsFormat } from '../generate/schema-to-validators.js';
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
  --from-file <file>         saved API answers instead of the API (repeatable; offline builds)
  --module <name>            the package your code imports the router from (default ${DEFAULT_AUGMENTED_MODULE})
  --out <file>               where to write (directories are created)

The trigger types API lives at https://backend.composio.dev/api/v3 (the default here, unless
--base-url or COMPOSIO_BASE_URL says otherwise).`;

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
    const { generateTriggerTypes } = await import('../generate/schema-to-types.js');
    const text = await generateTriggerTypes(triggers, { moduleName: moduleName(ctx) });
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
    const { generateTriggerValidators } = await import('../generate/schema-to-validators.js');
    const { code, declaration } = generateTriggerValidators(triggers, {
      format,
      moduleName: moduleName(ctx),
    });
    const written = [
      await writeIfChanged(out, code),
      await writeIfChanged(declarationPath(out), declaration),
    ];
    return report(ctx, triggers, written);
  },
};

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

/** `latest`, or `github=20251001_00,gmail=latest`. */
export function parseToolkitVersions(
  spec: string | undefined,
  command: string,
): ToolkitVersions | undefined {
  if (spec === undefined) return undefined;
  if (spec.trim() === 'latest') return 'latest';
  const versions: Record<string, string> = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const match = /^([A-Za-z0-9_-]+)=([A-Za-z0-9_.-]+)$/.exec(part);
    if (!match?.[1] || !match[2]) {
      throw new UsageError(
        `--toolkit-versions takes "latest" or toolkit=version pairs such as github=20251001_00,gmail=latest; got "${part}".`,
        command,
      );
    }
    versions[match[1].toLowerCase()] = match[2];
  }
  return versions;
}

async function loadTriggers(ctx: CommandContext): Promise<TriggerType[]> {
  const toolkits = stringList(ctx.values, 'toolkits')?.map((t) => t.toLowerCase());
  const slugs = stringList(ctx.values, 'trigger');
  const versions = parseToolkitVersions(stringValue(ctx.values, 'toolkit-versions'), ctx.command);
  const files = stringList(ctx.values, 'from-file');

  let triggers: TriggerType[];
  if (files !== undefined) {
    triggers = (await Promise.all(files.map((file) => readSaved(file, ctx.command)))).flat();
    if (toolkits) triggers = triggers.filter((t) => toolkits.includes(t.toolkit.slug));
    if (versions && versions !== 'latest') {
      triggers = triggers.filter((t) => {
        const wanted = versions[t.toolkit.slug];
        return wanted === undefined || wanted === 'latest' || wanted === t.version;
      });
    }
  } else if (toolkits === undefined && slugs === undefined) {
    throw new UsageError(
      `${ctx.command} needs --toolkits <list> (e.g. github,gmail), --trigger <SLUG> or --from-file <answers.json>.`,
      ctx.command,
    );
  } else {
    const client = createTriggerTypesClient(
      clientOptions(ctx.values, ctx.io, ctx.out, ctx.command),
    );
    const params = { ...(versions !== undefined && { toolkitVersions: versions }) };
    triggers = await withSpinner(ctx.out, 'Fetching trigger types…', () =>
      toolkits !== undefined
        ? client.listTriggerTypes({ toolkitSlugs: toolkits, ...params })
        : Promise.all((slugs ?? []).map((slug) => getBySlug(slug))),
    );
    async function getBySlug(slug: string): Promise<TriggerType> {
      try {
        return await client.getTriggerType(slug, params);
      } catch (error) {
        if (!isComposioApiError(error) || error.status !== 404) throw error;
        throw new CliError(
          `Composio has no trigger type ${slug} (HTTP 404): check the slug, or list a toolkit's triggers with --toolkits <toolkit>.`,
          { code: 'TRIGGER_NOT_FOUND', missing: [slug] },
        );
      }
    }
  }

  if (slugs !== undefined) {
    const missing = slugs.filter((slug) => !triggers.some((t) => t.slug === slug));
    if (missing.length > 0) {
      throw new CliError(
        `No trigger type ${missing.join(', ')} among the ${triggers.length} read` +
          `${toolkits ? ` for ${toolkits.join(', ')}` : ''}: check the slug and --toolkits.`,
        { code: 'TRIGGER_NOT_FOUND', missing },
      );
    }
    triggers = triggers.filter((t) => slugs.includes(t.slug));
  }
  const seen = new Map<string, TriggerType>();
  for (const trigger of triggers) {
    const other = seen.get(trigger.slug);
    if (other && other.version !== trigger.version) {
      throw new CliError(
        `${trigger.slug} appears twice, with schema versions ${other.version} and ${trigger.version}: pick one with --toolkit-versions ${trigger.toolkit.slug}=<version>.`,
        { code: 'DUPLICATE_TRIGGER' },
      );
    }
    seen.set(trigger.slug, trigger);
  }
  if (seen.size === 0) {
    throw new CliError('No trigger types matched: nothing to generate.', { code: 'NO_TRIGGERS' });
  }
  return [...seen.values()];
}

async function readSaved(file: string, command: string): Promise<TriggerType[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--from-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
      command,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--from-file ${file} is not JSON: ${(error as Error).message}`, command);
  }
  return parseSavedTriggerTypes(json, `--from-file ${file}`);
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
