import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { WebhookConfigError } from './errors.js';
import type { ReceiverOutcome } from './outcome.js';
import { createWebhookReceiver, type ReceiverOptions } from './receiver.js';
import { createWebhookRouter } from './router.js';
import { buildTriggerMessage, buildV1TriggerPayload, signWebhook } from './testing.js';
import type { TriggerValidators } from './trigger-validation.js';

const secret = 'composio-trigger-validation-secret';

interface SavedTriggerType {
  slug: string;
  toolkit: { slug: string };
  payload: Record<string, unknown>;
  version: string;
}
const saved = JSON.parse(
  readFileSync(new URL('../../../fixtures/trigger-types/github.json', import.meta.url), 'utf8'),
) as { items: SavedTriggerType[] };

/** Validators shaped like the generated module (compiled here with Ajv itself). */
function validators(): TriggerValidators {
  const ajv = new Ajv({ strict: false, validateFormats: false });
  return Object.fromEntries(
    saved.items.map((t) => [
      t.slug,
      { validate: ajv.compile(t.payload), toolkit: t.toolkit.slug, version: t.version },
    ]),
  );
}

const pullRequest = {
  action: 'opened',
  number: 7,
  title: 'Add typed trigger data',
  body: null,
  user: { login: 'octocat', id: 1 },
  labels: ['types'],
  extra_field_composio_added: true,
};

function setup(options: Partial<ReceiverOptions> = {}) {
  const handled: unknown[] = [];
  const outcomes: ReceiverOutcome[] = [];
  const warnings: string[] = [];
  const receiver = createWebhookReceiver({
    secret,
    router: createWebhookRouter().onAny((event) => {
      handled.push(event.data);
    }),
    triggerValidators: validators(),
    logger: { warn: (line) => warnings.push(line), error: () => {} },
    onOutcome: (outcome) => outcomes.push(outcome),
    ...options,
  });
  return { receiver, handled, outcomes, warnings };
}

async function deliver(receiver: ReturnType<typeof setup>['receiver'], payload: unknown) {
  return receiver.receive(await signWebhook({ payload, secret }));
}

describe('triggerValidators', () => {
  it('valid data (extra fields included) passes with no mismatch', async () => {
    const { receiver, handled, outcomes, warnings } = setup();
    const response = await deliver(
      receiver,
      buildTriggerMessage<string>({ slug: 'GITHUB_PULL_REQUEST_EVENT', data: pullRequest }),
    );
    expect(response.status).toBe(200);
    expect(handled).toEqual([pullRequest]);
    expect(outcomes[0]?.triggerMismatch).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('warn (default): the handler runs; logger and onOutcome name slug, pointer and version', async () => {
    const { receiver, handled, outcomes, warnings } = setup();
    // A value that cannot occur in a delivery id by chance, so the log can be checked for it.
    const data = { ...pullRequest, user: { login: 987654321987, id: 1 } };
    const response = await deliver(
      receiver,
      buildTriggerMessage<string>({ slug: 'GITHUB_PULL_REQUEST_EVENT', data: data }),
    );
    expect(response.status).toBe(200);
    expect(handled).toHaveLength(1);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      type: 'processed',
      triggerMismatch: {
        slug: 'GITHUB_PULL_REQUEST_EVENT',
        toolkit: 'github',
        schemaVersion: '20251001_00',
        pointer: '/user/login',
        reason: 'must be string',
      },
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('GITHUB_PULL_REQUEST_EVENT');
    expect(warnings[0]).toContain('/user/login');
    expect(warnings[0]).toContain('github 20251001_00');
    // The message names where the data is off, never the data itself.
    expect(warnings[0]).not.toContain('987654321987');
  });

  it('strict: 400 INVALID_PAYLOAD, the handler does not run, nothing is claimed', async () => {
    const { receiver, handled, outcomes } = setup({ triggerMismatch: 'strict' });
    const payload = buildTriggerMessage<string>({
      slug: 'GITHUB_PULL_REQUEST_EVENT',
      data: { number: 7 },
    });
    const first = await deliver(receiver, payload);
    expect(first.status).toBe(400);
    expect(first.body).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(handled).toEqual([]);
    expect(outcomes[0]).toMatchObject({
      type: 'rejected',
      code: 'INVALID_PAYLOAD',
      triggerMismatch: { pointer: '', reason: "must have required property 'action'" },
    });
    // The same id again is checked again, not answered as a processed duplicate.
    expect((await deliver(receiver, payload)).status).toBe(400);
  });

  it('checks V1/V2 trigger data after normalisation', async () => {
    const { receiver, outcomes } = setup({ triggerMismatch: 'strict' });
    const response = await deliver(
      receiver,
      buildV1TriggerPayload({ slug: 'GITHUB_COMMIT_EVENT', payload: { author: 'octocat' } }),
    );
    expect(response.status).toBe(400);
    expect(outcomes[0]?.triggerMismatch).toMatchObject({ slug: 'GITHUB_COMMIT_EVENT' });
  });

  it('unknown slugs and other event types pass untouched, even in strict mode', async () => {
    const { receiver, handled, outcomes } = setup({ triggerMismatch: 'strict' });
    const response = await deliver(
      receiver,
      buildTriggerMessage<string>({ slug: 'SLACK_RECEIVE_MESSAGE', data: { anything: [1, 2] } }),
    );
    expect(response.status).toBe(200);
    expect(handled).toEqual([{ anything: [1, 2] }]);
    expect(outcomes[0]?.triggerMismatch).toBeUndefined();
  });

  it('bad options throw WebhookConfigError at start-up', () => {
    const router = createWebhookRouter();
    expect(() => createWebhookReceiver({ secret, router, triggerValidators: [] as never })).toThrow(
      WebhookConfigError,
    );
    expect(() =>
      createWebhookReceiver({
        secret,
        router,
        triggerValidators: { X: { validate: 'no', toolkit: 'x', version: '1' } } as never,
      }),
    ).toThrow(/triggerValidators.X is not a validator/);
    expect(() =>
      createWebhookReceiver({ secret, router, triggerMismatch: 'loud' as never }),
    ).toThrow(/triggerMismatch must be 'warn' or 'strict'/);
  });
});
