import { withComposioWebhook } from '@composio-webhooks/next';
import {
  CONFORMANCE_OPTIONS,
  conformance,
  conformanceEnabled,
  notFound,
} from '../../../src/conformance';

export const POST = conformanceEnabled
  ? withComposioWebhook(
      async (_request, delivery) =>
        Response.json({ handledBy: 'route' }, { status: await conformance.route(delivery) }),
      CONFORMANCE_OPTIONS,
    )
  : notFound;
