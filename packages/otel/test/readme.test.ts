/**
 * The README opens with a snippet users copy as is: run it (from the README text itself) with
 * the SDK registered, deliver a signed event over real HTTP, and read back the trace the README's
 * table shows: the delivery span with exactly the attributes listed, the handler's span inside it.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { readmeSnippets } from '@composio-webhooks/test-runtimes';
import type { Express } from 'express';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { listen, parentOf, post, SECRET, sign, spanNamed, spans } from './support.js';

const root = new URL('..', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
// Run as written, except that the test serves the app itself instead of port 3000.
const snippets = readmeSnippets(root, {
  edit: (snippet) => snippet.replace('app.listen(3000);', 'export default app;'),
});

/** The attribute names of the README's "Attributes of the delivery span" table. */
function documentedAttributes(): string[] {
  const table = readme.split('Attributes of the delivery span:')[1]?.split('\n\n')[1] ?? '';
  return [...table.matchAll(/^\| `([a-z._]+)`\s+\|/gm)].map((m) => m[1] as string);
}

describe('README', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
  afterAll(() => snippets.remove());

  it('the opening snippet runs as written and produces the documented trace', async () => {
    expect(snippets.snippets[0]).toContain('app.listen(3000);');
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', SECRET);
    const logged: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    const { default: app } = (await import(/* @vite-ignore */ snippets.file(0))) as {
      default: Express;
    };
    spans.reset();
    const server = await listen(createServer(app));
    const commit = buildTriggerMessage({ slug: 'GITHUB_COMMIT_EVENT' });
    try {
      const signed = await sign(commit);
      const response = await post(`${server.url}/webhooks/composio`, signed, {
        'x-composio-delivery-attempt': '3',
      });
      expect(response.status).toBe(200);
    } finally {
      await server.close();
    }
    expect(logged).toEqual([['commit by', (commit.data as { author: string }).author]]);
    const delivery = spanNamed('process composio.trigger.message');
    expect(parentOf(spanNamed('store commit'))).toBe(delivery.spanContext().spanId);
    const documented = documentedAttributes();
    // Every attribute but error.type (failures only) is on this processed delivery.
    expect(Object.keys(delivery.attributes).sort()).toEqual(
      documented.filter((name) => name !== 'error.type').sort(),
    );
    expect(documented).toContain('error.type');
  });
});
