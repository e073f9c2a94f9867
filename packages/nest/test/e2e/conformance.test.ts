/**
 * The one conformance suite of core's testing kit, over real HTTP, on the Express and the Fastify
 * platform of this project's Nest major, set up as the README is (Nest's default body parsers,
 * no `rawBody`; raw-body.test.ts runs the other set-ups): the module's built-in route in router
 * mode, and a user controller guarded by `ComposioWebhookGuard` in verify-only mode.
 */
import {
  CONFORMANCE_OPTIONS,
  CONFORMANCE_PATHS,
  type ConformanceApp,
  createConformanceApp,
} from '@composio-webhooks/core/testing';
import { describeConformance } from '@composio-webhooks/core/testing/conformance';
import {
  ComposioDelivery,
  ComposioWebhookGuard,
  ComposioWebhooksModule,
  type WebhookDelivery,
} from '@composio-webhooks/nest';
import { Controller, Get, Inject, Post, Res, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { createTestApp, PLATFORMS } from './support/app.js';

const CONFORMANCE = Symbol('conformance app');

@Controller()
class ConformanceController {
  constructor(
    @Inject(CONFORMANCE) private readonly conformance: ConformanceApp,
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
  ) {}

  /** Verify-only: the route's status settles the delivery. */
  @Post(CONFORMANCE_PATHS.verifyOnly)
  @UseGuards(ComposioWebhookGuard)
  async verifyOnly(
    @ComposioDelivery() delivery: WebhookDelivery,
    @Res() response: unknown,
  ): Promise<void> {
    const status = await this.conformance.route(delivery);
    this.host.httpAdapter.reply(response, { handledBy: 'route' }, status);
  }

  @Get(CONFORMANCE_PATHS.runs)
  runs(): unknown {
    return this.conformance.runs();
  }
}

const { major } = inject('nest');

for (const platform of PLATFORMS) {
  describeConformance(
    {
      name: `Nest ${major} on ${platform === 'express' ? 'Express' : 'Fastify'}`,
      kind: 'route',
      async start() {
        const conformance = createConformanceApp();
        const t = await createTestApp({
          platform,
          imports: [
            ComposioWebhooksModule.forRoot({ ...CONFORMANCE_OPTIONS, router: conformance.router }),
          ],
          providers: [{ provide: CONFORMANCE, useValue: conformance }],
          controllers: [ConformanceController],
        });
        await t.app.listen(0, '127.0.0.1');
        const url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
        return { url, close: () => t.close() };
      },
    },
    { describe, it, beforeAll, afterAll },
  );
}
