import { composioWebhook } from '@composio-webhooks/next';
import {
  CONFORMANCE_OPTIONS,
  conformance,
  conformanceEnabled,
  notFound,
} from '../../../../src/conformance';

export const POST = conformanceEnabled
  ? composioWebhook({ ...CONFORMANCE_OPTIONS, router: conformance.router })
  : notFound;
export const GET = conformanceEnabled ? POST : notFound;
