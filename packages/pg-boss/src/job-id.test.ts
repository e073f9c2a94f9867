import { describe, expect, it } from 'vitest';
import { inboxJobId } from './job-id.js';

describe('inboxJobId', () => {
  it('is a UUID (version 8, RFC variant) derived from the webhook-id, stably', () => {
    const id = inboxJobId('msg_0b8f0c1e-2a47-4b5e-9d0a-3c6f1e2d4a5b');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(inboxJobId('msg_0b8f0c1e-2a47-4b5e-9d0a-3c6f1e2d4a5b')).toBe(id);
  });

  it('differs between ids, including ids that are not Composio-shaped', () => {
    const ids = ['msg_a', 'msg_b', '12345', 'a:b', ''].map(inboxJobId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
