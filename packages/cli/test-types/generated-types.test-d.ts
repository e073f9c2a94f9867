/**
 * What users get from the generated declaration file (composio-triggers.d.ts here is the output of
 * `generate types` for the saved GitHub and Gmail answers; test/generate.test.ts checks it is
 * exactly what the command writes).
 */
import {
  createWebhookReceiver,
  createWebhookRouter,
  type KnownTriggerSlug,
  type TriggerData,
  type TriggerMessageEvent,
} from '@composio-webhooks/core';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import { describe, expectTypeOf, it } from 'vitest';
import type { GITHUB_PULL_REQUEST_EVENT, GMAIL_NEW_GMAIL_MESSAGE } from './composio-triggers.js';

describe('generated TriggerPayloads', () => {
  const router = createWebhookRouter();

  it('types onTrigger handlers from the schema', () => {
    router.onTrigger('GITHUB_PULL_REQUEST_EVENT', (e) => e.data.user.login);
    router.onTrigger('GITHUB_PULL_REQUEST_EVENT', (e) => {
      expectTypeOf(e.data.user.login).toEqualTypeOf<string>();
      expectTypeOf(e.data.user.id).toEqualTypeOf<number>();
      expectTypeOf(e.data.number).toEqualTypeOf<number>();
      expectTypeOf(e.data.action).toEqualTypeOf<'opened' | 'closed' | 'reopened' | 'synchronize'>();
      expectTypeOf(e.data).toEqualTypeOf<GITHUB_PULL_REQUEST_EVENT.Payload>();
      // @ts-expect-error not a field of the schema
      e.data.nonexistent;
      // @ts-expect-error not a field of the User model
      e.data.user.email;
    });
  });

  it('maps optional, nullable and defaulted fields as the schema says', () => {
    router.onTrigger('GITHUB_PULL_REQUEST_EVENT', (e) => {
      // Not required, anyOf [string, null] with default null.
      expectTypeOf(e.data.body).toEqualTypeOf<string | null | undefined>();
      expectTypeOf(e.data).toHaveProperty('body');
      // Not required, a default: optional, not nullable.
      expectTypeOf(e.data.labels).toEqualTypeOf<string[] | undefined>();
      expectTypeOf(e.data.merged).toEqualTypeOf<boolean | undefined>();
      // Required.
      expectTypeOf(e.data.title).toEqualTypeOf<string>();
      expectTypeOf(e.data.user).toEqualTypeOf<GITHUB_PULL_REQUEST_EVENT.User>();
    });
    router.onTrigger('GMAIL_NEW_GMAIL_MESSAGE', (e) => {
      expectTypeOf(e.data.sender.email).toEqualTypeOf<string>();
      expectTypeOf(e.data.sender.name).toEqualTypeOf<string | null | undefined>();
      // anyOf [$ref, null]
      expectTypeOf(e.data.reply_to).toEqualTypeOf<
        GMAIL_NEW_GMAIL_MESSAGE.Sender | null | undefined
      >();
      // array of $ref objects
      expectTypeOf(e.data.attachment_list).toEqualTypeOf<
        GMAIL_NEW_GMAIL_MESSAGE.Attachment[] | undefined
      >();
      expectTypeOf(e.data.to).toEqualTypeOf<string[]>();
      // an inline object model
      expectTypeOf(e.data.preview.body).toEqualTypeOf<string>();
      expectTypeOf(e.data.importance).toEqualTypeOf<'high' | 'normal' | 'low' | undefined>();
    });
  });

  it('lists the generated slugs and leaves other slugs loose', () => {
    expectTypeOf<KnownTriggerSlug>().toEqualTypeOf<
      'GITHUB_COMMIT_EVENT' | 'GITHUB_PULL_REQUEST_EVENT' | 'GMAIL_NEW_GMAIL_MESSAGE'
    >();
    expectTypeOf<TriggerData<'SLACK_RECEIVE_MESSAGE'>>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<TriggerMessageEvent<'GITHUB_COMMIT_EVENT'>['data']['author']>().toBeString();
  });

  it("types the testing kit's buildTriggerMessage by the generated map", () => {
    const event = buildTriggerMessage({
      slug: 'GITHUB_PULL_REQUEST_EVENT',
      data: { action: 'opened', number: 1, title: 'Typed', user: { login: 'octocat', id: 1 } },
    });
    expectTypeOf(event.data.user.login).toEqualTypeOf<string>();
    buildTriggerMessage({
      slug: 'GITHUB_PULL_REQUEST_EVENT',
      // @ts-expect-error action must be one of the schema's enum values
      data: { action: 'merged', number: 1, title: 'Typed', user: { login: 'octocat', id: 1 } },
    });
    buildTriggerMessage({
      slug: 'GITHUB_PULL_REQUEST_EVENT',
      // @ts-expect-error user is required
      data: { action: 'opened', number: 1, title: 'Typed' },
    });
  });

  it('accepts a generated validators module as triggerValidators', () => {
    expectTypeOf(createWebhookReceiver).parameter(0).toHaveProperty('triggerValidators');
  });
});
