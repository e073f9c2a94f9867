export {
  type InboxJobInfo,
  inboxJobOf,
  type ReceivedBody,
} from '@composio-webhooks/core/adapter';
export { createWebhookInbox, type WebhookInbox } from './inbox.js';
export { type InboxJobData, type InboxTracing, inboxJobId } from './job.js';
export {
  type FailedDelivery,
  InboxOperationError,
  type InboxStats,
} from './operations.js';
export {
  DEFAULT_ENQUEUE_TIMEOUT_MS,
  DEFAULT_JOB_OPTIONS,
  DEFAULT_PREFIX,
  DEFAULT_QUEUE_NAME,
  type InboxJobOptions,
  type WebhookInboxOptions,
} from './options.js';
export {
  createInboxProcessor,
  type InboxProcessor,
  type InboxWorker,
  type ProcessOptions,
  type ProcessorOptions,
} from './worker.js';
