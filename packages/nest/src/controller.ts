/**
 * The built-in controller: every method at `path` reaches the exchange, which answers Composio's
 * `POST` with the router's outcome and anything else 405 with `Allow: POST`. One class per module
 * definition, so two apps in one process (tests) can use different paths.
 */
import {
  All,
  Controller,
  HttpCode,
  Inject,
  Req,
  Res,
  type Type,
  VERSION_NEUTRAL,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { COMPOSIO_ROUTE_METADATA } from './constants.js';
import { type ComposioHttpRequest, finishExchange, sendReceiverResponse } from './http.js';
import { ComposioWebhooksService } from './service.js';

export function createWebhookController(
  path: string,
  decorators: readonly ClassDecorator[] = [],
): Type<unknown> {
  // VERSION_NEUTRAL: the route stays where Composio was told it is, whatever versioning the app uses.
  @Controller({ path, version: VERSION_NEUTRAL })
  class ComposioWebhookController {
    constructor(
      @Inject(ComposioWebhooksService) private readonly webhooks: ComposioWebhooksService,
      @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    ) {}

    @All()
    @HttpCode(200)
    async receive(@Req() request: ComposioHttpRequest, @Res() response: unknown): Promise<void> {
      const result = await finishExchange(this.webhooks.exchange, request);
      if (result.type === 'respond') {
        sendReceiverResponse(this.host.httpAdapter, response, result.response);
      }
    }
  }
  Reflect.defineMetadata(COMPOSIO_ROUTE_METADATA, true, ComposioWebhookController);
  let controller: Type<unknown> = ComposioWebhookController;
  for (const decorate of decorators) {
    controller = (decorate(controller) as Type<unknown> | undefined) ?? controller;
  }
  return controller;
}
