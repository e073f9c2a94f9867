/**
 * What one queued delivery is in Redis: core's inbox job (the verified delivery as the handlers
 * get it, never the secret), under a BullMQ job id derived from the `webhook-id`, so copies of one
 * delivery collapse into one job.
 */
import { createHash } from 'node:crypto';

export {
  deliveryFromJob,
  type InboxJobData,
  type InboxTracing,
  toJobData,
  traceOf,
} from '@composio-webhooks/core/adapter';

/**
 * The BullMQ job id of a `webhook-id`. Composio's ids (`msg_<uuid>`) are used as they are; an id
 * BullMQ refuses as a custom id (all digits, or containing `:`) is hashed instead.
 */
export function inboxJobId(webhookId: string): string {
  if (webhookId !== '' && !/^\d+$/.test(webhookId) && !webhookId.includes(':')) return webhookId;
  return `sha256_${createHash('sha256').update(webhookId).digest('hex')}`;
}
