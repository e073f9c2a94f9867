export {
  type InboxJobData,
  type InboxJobInfo,
  type InboxTracing,
  inboxJobOf,
  type ReceivedBody,
} from '@composio-webhooks/core/adapter';
export { createWebhookInbox, type WebhookInbox } from './inbox.js';
export { inboxJobId } from './job-id.js';
export {
  type FailedDelivery,
  InboxOperationError,
  type InboxStats,
} from './operations.js';
export {
  DEFAULT_BOSS_OPTIONS,
  DEFAULT_ENQUEUE_TIMEOUT_MS,
  DEFAULT_JOB_OPTIONS,
  DEFAULT_QUEUE_NAME,
  DEFAULT_SCHEMA,
  type InboxJobOptions,
  type WebhookInboxOptions,
} from './options.js';
export type { InboxWorker, ProcessOptions } from './worker.js';
