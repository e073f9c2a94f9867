/**
 * pg-boss job ids are UUIDs, and a job whose id the queue already holds is not inserted again.
 * The id of a delivery's job is a UUID derived from its `webhook-id` (SHA-256, formatted as an
 * RFC 9562 version-8 UUID), so copies of one delivery collapse into one job.
 */
import { createHash } from 'node:crypto';

export function inboxJobId(webhookId: string): string {
  const hex = createHash('sha256').update(webhookId).digest('hex');
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
