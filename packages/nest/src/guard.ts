/**
 * User-owned controller mode: `@UseGuards(ComposioWebhookGuard)` verifies and claims the
 * delivery, puts it on the request for `@ComposioDelivery()`, and answers rejections with the
 * receiver's status and body (401, 400, 413, 409, …, and 200 for an already processed
 * duplicate, whose handler is then not run again) instead of Nest's default 403.
 *
 * The claim is settled when the response is sent: a 2xx answer marks the delivery processed;
 * anything else (your handler threw, a filter answered 4xx/5xx, the client went away) releases
 * it, so Composio's retry is processed.
 */
import {
  type ReceiverResponse,
  WebhookConfigError,
  type WebhookDelivery,
} from '@composio-webhooks/core';
import type { ReceiverResponseBody } from '@composio-webhooks/core/adapter';
import { observeNodeResponse } from '@composio-webhooks/core/node';
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DELIVERY_REQUEST_PROPERTY, nestMessage } from './constants.js';
import {
  type ComposioHttpRequest,
  finishExchange,
  nodeResponseOf,
  setResponseHeaders,
} from './http.js';
import { ComposioWebhooksService } from './service.js';

/** The module's answer to a request the guard did not let through (an `HttpException`). */
export class ComposioWebhookException extends HttpException {
  readonly receiverResponse: ReceiverResponse;

  constructor(response: ReceiverResponse) {
    super(response.body as ReceiverResponseBody & Record<string, unknown>, response.status);
    this.name = 'ComposioWebhookException';
    this.receiverResponse = response;
  }
}

/**
 * Verifies and claims the delivery of the route it guards, for `@ComposioDelivery()`.
 *
 * @example
 * ```ts
 * @Post('composio')
 * @UseGuards(ComposioWebhookGuard)
 * receive(@ComposioDelivery() delivery: WebhookDelivery) {}
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/nest#verify-only-your-own-controller-with-composiowebhookguard
 */
@Injectable()
export class ComposioWebhookGuard implements CanActivate {
  constructor(
    @Inject(ComposioWebhooksService) private readonly webhooks: ComposioWebhooksService,
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
  ) {}

  /** Resolves `true` once the delivery is handed to the route; rejects with the module's refusal. */
  canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') {
      throw new WebhookConfigError(
        nestMessage(
          `ComposioWebhookGuard guards HTTP routes only (this is a "${context.getType()}" context).`,
        ),
      );
    }
    const http = context.switchToHttp();
    const request = http.getRequest<ComposioHttpRequest & ComposioWebhookRequest>();
    const response = http.getResponse<unknown>();
    // The guard may be applied twice (controller and method): claim once.
    if (request[DELIVERY_REQUEST_PROPERTY]) return Promise.resolve(true);
    // The exchange waits for the route's answer and settles from it (2xx processed; else released).
    return new Promise<boolean>((resolve, reject) => {
      finishExchange(this.webhooks.guardExchange, request, (delivery, body) => {
        request[DELIVERY_REQUEST_PROPERTY] = delivery;
        // The body hook read this route's body, so no parser did: `@Body()` gets its JSON.
        if (request.body == null) {
          request.body = delivery.raw;
          request.rawBody = body;
        }
        resolve(true);
        return observeNodeResponse(nodeResponseOf(response));
      }).then((result) => {
        if (result.type !== 'respond') return;
        setResponseHeaders(this.host.httpAdapter, response, result.response);
        reject(new ComposioWebhookException(result.response));
      }, reject);
    });
  }
}

/** A request that went through `ComposioWebhookGuard`. */
export interface ComposioWebhookRequest {
  [DELIVERY_REQUEST_PROPERTY]?: WebhookDelivery;
}

/**
 * The verified `WebhookDelivery` of a route guarded by `ComposioWebhookGuard`. Without the guard
 * it throws a `WebhookConfigError` (a 500) instead of giving `undefined`.
 *
 * @param property one property of the delivery instead of all of it, e.g. `'event'`.
 * @example
 * ```ts
 * @Post('composio')
 * @UseGuards(ComposioWebhookGuard)
 * receive(@ComposioDelivery() delivery: WebhookDelivery) {}
 * ```
 * @see https://github.com/composio-webhooks/composio-webhooks/tree/main/packages/nest#verify-only-your-own-controller-with-composiowebhookguard
 */
export const ComposioDelivery: (property?: keyof WebhookDelivery) => ParameterDecorator =
  createParamDecorator((property: keyof WebhookDelivery | undefined, context: ExecutionContext) => {
    const delivery = context.switchToHttp().getRequest<ComposioWebhookRequest>()[
      DELIVERY_REQUEST_PROPERTY
    ];
    if (!delivery) {
      throw new WebhookConfigError(
        nestMessage(
          '@ComposioDelivery() found no verified delivery on this request: put @UseGuards(ComposioWebhookGuard) on the route (or its controller).',
        ),
      );
    }
    return property === undefined ? delivery : delivery[property];
  });
