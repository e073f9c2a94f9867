import { WebhookConfigError } from '@composio-webhooks/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOSS_OPTIONS, DEFAULT_JOB_OPTIONS, resolveInboxOptions } from './options.js';

const connectionString = 'postgres://127.0.0.1:5432/app';

describe('resolveInboxOptions', () => {
  it('fills the defaults', () => {
    expect(resolveInboxOptions({ connectionString })).toMatchObject({
      queueName: 'composio-webhooks',
      schema: 'pgboss',
      enqueueTimeoutMs: 2000,
      jobOptions: DEFAULT_JOB_OPTIONS,
      bossOptions: DEFAULT_BOSS_OPTIONS,
      keepBody: false,
    });
    expect(DEFAULT_JOB_OPTIONS).toEqual({
      retryLimit: 9,
      retryDelay: 2,
      retryBackoff: true,
      expireInSeconds: 300,
    });
    expect(DEFAULT_BOSS_OPTIONS.archiveCompletedAfterSeconds).toBe(86_400);
  });

  it('merges jobOptions over the defaults', () => {
    expect(
      resolveInboxOptions({ connectionString, jobOptions: { retryLimit: 3 } }).jobOptions,
    ).toEqual({
      ...DEFAULT_JOB_OPTIONS,
      retryLimit: 3,
    });
  });

  it.each([
    [{}, /needs `connectionString` \(a PostgreSQL URL/],
    [{ connectionString: '' }, /needs `connectionString`/],
    [{ connectionString, boss: {} }, /either `boss`/],
    [{ boss: {} }, /`boss` must be a PgBoss instance/],
    [{ boss: { send() {} }, bossOptions: {} }, /`bossOptions` only apply/],
    [{ connectionString, queueName: 'a b' }, /queueName must be letters, digits/],
    [{ connectionString, schema: 'my-schema' }, /schema must be a PostgreSQL name/],
    [{ connectionString, enqueueTimeoutMs: 0 }, /enqueueTimeoutMs must be a positive number/],
    [{ connectionString, jobOptions: { retryLimit: -1 } }, /retryLimit must be an integer ≥ 0/],
    [{ connectionString, jobOptions: { expireInSeconds: 86_400 } }, /under 24 hours/],
    [{ connectionString, jobOptions: { id: 'x' } }, /the job id is derived from the webhook-id/],
    [
      { connectionString, jobOptions: { singletonKey: 'x' } },
      /jobOptions\.singletonKey cannot be set/,
    ],
    [
      { connectionString, jobOptions: { attempts: 3 } },
      /jobOptions\.attempts is not an inbox job option/,
    ],
    [{ connectionString, keepBody: 'yes' }, /keepBody must be true or false/],
  ])('throws WebhookConfigError for %j', (options, text) => {
    expect(() => resolveInboxOptions(options as never)).toThrow(WebhookConfigError);
    expect(() => resolveInboxOptions(options as never)).toThrow(text);
  });

  it('throws for a missing options object, with the package prefix', () => {
    expect(() => resolveInboxOptions(undefined as never)).toThrow(
      /^\[@composio-webhooks\/pg-boss\] createWebhookInbox\(options\) needs an options object/,
    );
  });
});
