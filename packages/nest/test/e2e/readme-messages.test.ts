/**
 * Every message the README quotes (a code span starting `[@composio-webhooks/nest]`) is the start
 * of a message the package really prints, produced here the way the README says it happens.
 */

import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { ComposioWebhooksModule, OnTriggerMessage } from '@composio-webhooks/nest';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApp } from './support/app.js';
import { deliver, SECRET } from './support/webhooks.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const quotes = [...readme.matchAll(/(`+)(\[@composio-webhooks\/nest\][^`]*(?:`[^`]+`[^`]*)*?)\1/g)]
  .map((match) => (match[2] as string).trim())
  .filter((quote) => !quote.includes('\n'));

async function startupMessage(options: Parameters<typeof ComposioWebhooksModule.forRoot>[0]) {
  const error = await Test.createTestingModule({
    imports: [ComposioWebhooksModule.forRoot(options)],
  })
    .compile()
    .then(
      () => undefined,
      (caught: Error) => caught,
    );
  return error?.message ?? '';
}

afterEach(() => vi.unstubAllEnvs());

describe('the messages the README quotes', () => {
  it('are what the package prints', async () => {
    const printed: string[] = [];
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', undefined);
    printed.push(await startupMessage({}));
    printed.push(await startupMessage({ secret: '' }));
    try {
      const method = () => undefined;
      OnTriggerMessage('GITHUB_COMMIT_EVENT')(
        method,
        { kind: 'method' } as never,
        undefined as never,
      );
    } catch (error) {
      printed.push((error as Error).message);
    }
    const logged: string[] = [];
    const t = await createTestApp({
      platform: 'express',
      imports: [
        ComposioWebhooksModule.forRoot({
          secret: SECRET,
          logger: { warn: (m) => logged.push(m), error: (m) => logged.push(m) },
        }),
      ],
      // A parser on the Express instance given to Nest, as the README describes.
      express: (adapter) =>
        adapter.use(
          (req: IncomingMessage & { body?: unknown }, _res: unknown, next: () => void) => {
            let text = '';
            req.on('data', (chunk: Buffer) => {
              text += chunk;
            });
            req.on('end', () => {
              req.body = JSON.parse(text);
              next();
            });
          },
        ),
    });
    try {
      expect((await deliver(t, buildTriggerMessage())).status).toBe(500);
    } finally {
      await t.close();
    }
    printed.push(...logged);

    expect(quotes.length).toBeGreaterThanOrEqual(4);
    for (const quote of quotes) {
      expect(
        printed.some((message) => message.startsWith(quote)),
        quote,
      ).toBe(true);
    }
  });
});
