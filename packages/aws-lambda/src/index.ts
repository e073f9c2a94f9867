/**
 * `@composio-webhooks/aws-lambda`: receive Composio webhooks in AWS Lambda, behind API Gateway
 * (REST and HTTP APIs), a function URL or an Application Load Balancer. The user kit of core is
 * re-exported, so one import is enough (and `declare module '@composio-webhooks/aws-lambda'`
 * augments `TriggerPayloads`).
 */
export * from '@composio-webhooks/core/kit';
export type {
  AlbEvent,
  HttpApiEvent,
  LambdaHttpEvent,
  LambdaHttpResult,
  RestApiEvent,
} from './events.js';
export {
  composioWebhook,
  type LambdaWebhookHandler,
  type LambdaWebhookOptions,
  type LambdaWebhookRouterOptions,
  type VerifiedLambdaHandler,
  withComposioWebhook,
} from './handler.js';
