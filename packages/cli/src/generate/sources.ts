/**
 * Where `generate` gets trigger types: Composio's API (every page, or each slug), or answers saved
 * from it (`--from-file`), narrowed to the toolkits, versions and slugs asked for.
 */
import { readFile } from 'node:fs/promises';
import {
  createTriggerTypesClient,
  isComposioApiError,
  isComposioClientError,
  parseSavedTriggerTypes,
  type ToolkitVersions,
  type TriggerType,
} from '@composio-webhooks/client';
import { stringList, stringValue, UsageError } from '../args.js';
import { CliError, type CommandContext, clientOptions } from '../context.js';

/** What `--from-file` reads, said once for the help and the errors. */
export const SAVED_ANSWER_FORMAT =
  'the JSON body of GET /api/v3/triggers_types?toolkit_slugs=… (a page: { "items": [...], ' +
  '"next_cursor": … }), an array of such pages, one trigger type (GET ' +
  '/api/v3/triggers_types/<SLUG>) or an array of trigger types.';
export const SAVED_ANSWER_HOWTO =
  'curl -H "x-api-key: $COMPOSIO_API_KEY" "https://backend.composio.dev/api/v3/triggers_types?toolkit_slugs=github" > github.json';

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

export async function loadTriggers(ctx: CommandContext): Promise<TriggerType[]> {
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
    const what =
      toolkits !== undefined
        ? `the trigger types of ${toolkits.join(', ')}`
        : `${slugs?.length} trigger type${slugs?.length === 1 ? '' : 's'}`;
    const spinner = ctx.out.spinner(`Fetching ${what}…`);
    // Each answer moves the progress on (pages of a listing, or one slug after the other).
    let answers = 0;
    const counted: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      answers++;
      spinner.update(
        toolkits !== undefined
          ? `Fetching ${what}… page ${answers + 1}`
          : `Fetching ${what}… ${answers}/${slugs?.length} done`,
      );
      return response;
    };
    const client = createTriggerTypesClient({
      ...clientOptions(ctx.values, ctx.io, ctx.out, ctx.command),
      fetch: counted,
    });
    const params = { ...(versions !== undefined && { toolkitVersions: versions }) };
    try {
      triggers =
        toolkits !== undefined
          ? await client.listTriggerTypes({ toolkitSlugs: toolkits, ...params })
          : await Promise.all((slugs ?? []).map((slug) => getBySlug(slug)));
    } finally {
      spinner.stop();
    }
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
  const expected = `--from-file takes ${SAVED_ANSWER_FORMAT} Save one with: ${SAVED_ANSWER_HOWTO}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--from-file ${file} is not JSON (${(error as Error).message}). ${expected}`,
      command,
    );
  }
  try {
    return parseSavedTriggerTypes(json, `--from-file ${file}`);
  } catch (error) {
    if (!isComposioClientError(error)) throw error;
    throw new UsageError(`${error.message} ${expected}`, command);
  }
}
