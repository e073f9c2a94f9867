/**
 * If you are writing an adapter for composio-webhooks and reading this file for reference: build
 * it on `@composio-webhooks/core/adapter` (`createExchange`), the way this file does, and it is
 * done when it passes the conformance suite of `@composio-webhooks/core/testing/conformance`.
 *
 * AWS Lambda glue over core's exchange: it says where the body is (`event.body`, base64-decoded
 * when flagged), how headers arrive (`headers` or `multiValueHeaders`, any case), and writes the
 * answer in the shape of the event's source. Every decision (statuses, dedupe, settling) is core's.
 */
import type { WebhookDelivery, WebhookRouter } from '@composio-webhooks/core';
import {
  createExchange,
  type EntryNames,
  type ExchangeRequest,
  type ExchangeResult,
  errorResponseFor,
  type HandlerAdapterOptions,
  requireRouter,
  requireVerifyOnlyHandler,
  type WebhookExchange,
} from '@composio-webhooks/core/adapter';
import { type LambdaHttpEvent, type LambdaHttpResult, sourceOf } from './events.js';
import { bodyOf, headersOf, methodOf } from './request.js';
import { toResult } from './result.js';

const PACKAGE_NAME = '@composio-webhooks/aws-lambda';
const ENTRY: EntryNames = {
  packageName: PACKAGE_NAME,
  handlerExample: "async (event, delivery) => ({ statusCode: 200, body: '' })",
  answer: 'result',
};

/** The options every adapter takes, less `path`: API Gateway, the function URL or the ALB routes. */
export type LambdaWebhookOptions = Omit<HandlerAdapterOptions, 'router'>;
/** `composioWebhook()` options: a router is required (verify-only is `withComposioWebhook`). */
export type LambdaWebhookRouterOptions = LambdaWebhookOptions & { router: WebhookRouter };

/** An async Lambda handler for API Gateway (REST and HTTP APIs), function URLs and ALB. */
export type LambdaWebhookHandler<E extends LambdaHttpEvent = LambdaHttpEvent> = (
  event: E,
  context?: unknown,
) => Promise<LambdaHttpResult>;

/**
 * Your handler in verify-only mode: it gets the event and the verified delivery; the result it
 * returns is the answer and settles the delivery (2xx `statusCode` = processed; anything else, or
 * a throw, releases the claim so Composio's retry runs it again).
 */
export type VerifiedLambdaHandler<E extends LambdaHttpEvent = LambdaHttpEvent> = (
  event: E,
  delivery: WebhookDelivery,
  context: unknown,
) => LambdaHttpResult | Promise<LambdaHttpResult>;

/**
 * Receives Composio webhooks in AWS Lambda: verifies, dedupes, dispatches to the router's
 * handlers and answers in the shape of the event's source.
 *
 * @param options - `router` (required) and the options every adapter takes (no `path`).
 * @returns an async Lambda handler: `export const handler = composioWebhook({ router })`.
 * @example
 * export const handler = composioWebhook({ router: createWebhookRouter().onTrigger('GITHUB_COMMIT_EVENT', onCommit) });
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/aws-lambda#readme
 */
export function composioWebhook<E extends LambdaHttpEvent = LambdaHttpEvent>(
  options: LambdaWebhookRouterOptions,
): LambdaWebhookHandler<E> {
  requireRouter(options, ENTRY);
  const exchange = build(options);
  return async (event) => {
    const request = fromEvent(event);
    return answer(await exchange.handle(request), sourceOf(event));
  };
}

/**
 * Verify-only: verifies and claims each delivery, then calls `handler(event, delivery, context)`;
 * its result is the answer and settles the delivery (2xx = processed; otherwise released). A
 * handler that throws: released, and answered 500 `HANDLER_FAILED`.
 *
 * @param handler - your handler, called only with verified deliveries.
 * @param options - the options every adapter takes (no `router`, no `path`).
 * @example
 * export const handler = withComposioWebhook(async (event, delivery) => ({ statusCode: 200, body: delivery.id }));
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/aws-lambda#verify-only
 */
export function withComposioWebhook<E extends LambdaHttpEvent = LambdaHttpEvent>(
  handler: VerifiedLambdaHandler<E>,
  options?: LambdaWebhookOptions,
): LambdaWebhookHandler<E> {
  requireVerifyOnlyHandler(handler, options, ENTRY);
  const exchange = build(options);
  return async (event, context) => {
    let routeResult: LambdaHttpResult | undefined;
    const result = await exchange.handle({
      ...fromEvent(event),
      async handOver(delivery) {
        routeResult = await handler(event, delivery, context);
        if (typeof routeResult?.statusCode !== 'number') {
          throw new TypeError(
            `[${PACKAGE_NAME}] The withComposioWebhook() handler must return a result with a numeric statusCode, e.g. { statusCode: 200, body: '' }.`,
          );
        }
        return routeResult.statusCode;
      },
    });
    if (result.type === 'handed-over' && routeResult) return routeResult;
    return answer(result, sourceOf(event));
  };
}

function build(options: LambdaWebhookOptions | undefined): WebhookExchange {
  // A handler adapter: API Gateway, the function URL or the ALB routes, so `path` is refused.
  return createExchange(options, {
    packageName: PACKAGE_NAME,
    kind: 'handler',
    route: 'the withComposioWebhook() handler',
  });
}

function fromEvent(event: LambdaHttpEvent): ExchangeRequest {
  if (event === null || typeof event !== 'object') {
    throw new TypeError(
      `[${PACKAGE_NAME}] The handler was invoked with ${event === null ? 'null' : typeof event}, not an HTTP event: wire it to API Gateway, a function URL or an ALB target group.`,
    );
  }
  return {
    method: methodOf(event),
    headers: headersOf(event),
    body: async () => bodyOf(event),
  };
}

/** The exchange's answer as a Lambda result ('pass' never comes from a route adapter). */
function answer(result: ExchangeResult, source: ReturnType<typeof sourceOf>): LambdaHttpResult {
  return toResult(
    'response' in result ? result.response : errorResponseFor('HANDLER_FAILED'),
    source,
  );
}
