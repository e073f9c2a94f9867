// The same handler on the Edge runtime (no Node built-ins): POST /api/edge/webhooks/composio.
import { composioWebhook } from '@composio-webhooks/next';
import { router } from '../../../../../src/router';

export const runtime = 'edge';
export const POST = composioWebhook({ router });
