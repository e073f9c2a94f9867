// App Router, Node.js runtime: POST /api/webhooks/composio. The secret comes from
// COMPOSIO_WEBHOOK_SECRET; other methods are answered 405 with Allow: POST.
import { composioWebhook } from '@composio-webhooks/next';
import { router } from '../../../../src/router';

export const POST = composioWebhook({ router });
