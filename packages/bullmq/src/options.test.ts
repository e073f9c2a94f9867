import { WebhookConfigError } from '@composio-webhooks/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_JOB_OPTIONS, hasHashTag, resolveInboxOptions } from './options.js';

const connection = { host: '127.0.0.1', port: 6379 };

describe('resolveInboxOptions', () => {
  it('fills the defaults', () => {
    expect(resolveInboxOptions({ connection })).toMatchObject({
      queueName: 'composio-webhooks',
      prefix: 'bull',
      enqueueTimeoutMs: 2000,
      jobOptions: DEFAULT_JOB_OPTIONS,
    });
  });

  it('merges jobOptions over the defaults', () => {
    expect(resolveInboxOptions({ connection, jobOptions: { attempts: 3 } }).jobOptions).toEqual({
      ...DEFAULT_JOB_OPTIONS,
      attempts: 3,
    });
  });

  it.each([
    [{}, /needs `connection`/],
    [{ connection, queueName: '' }, /queueName must be a non-empty string without ":"/],
    [{ connection, queueName: 'a:b' }, /queueName must be/],
    [{ connection, prefix: '' }, /prefix must be a non-empty string/],
    [{ connection, enqueueTimeoutMs: 0 }, /enqueueTimeoutMs must be a positive number/],
    [{ connection, jobOptions: { attempts: 0 } }, /attempts must be a positive integer/],
    [{ connection, jobOptions: { jobId: 'x' } }, /the job id is the webhook-id/],
  ])('throws WebhookConfigError for %j', (options, text) => {
    expect(() => resolveInboxOptions(options as never)).toThrow(WebhookConfigError);
    expect(() => resolveInboxOptions(options as never)).toThrow(text);
  });

  it('throws for a missing options object', () => {
    expect(() => resolveInboxOptions(undefined as never)).toThrow(
      /^\[@composio-webhooks\/bullmq\] createWebhookInbox\(options\) needs an options object/,
    );
  });
});

describe('hasHashTag', () => {
  it.each([
    ['{composio}', true],
    ['bull:{q}', true],
    ['{}', false],
    ['bull', false],
    ['}{', false],
  ])('%s → %s', (text, expected) => {
    expect(hasHashTag(text)).toBe(expected);
  });
});
