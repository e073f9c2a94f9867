/**
 * A NestJS app that receives Composio webhooks on POST /webhooks/composio with decorated
 * handlers (src/webhook-handlers.ts); the secret comes from @nestjs/config. `createApp` is
 * exported so tests (and the demo) can run it on any port.
 */
import 'reflect-metadata';
import type { IdempotencyStore, ReceiverOutcome } from '@composio-webhooks/core';
import { ComposioWebhooksModule } from '@composio-webhooks/nest';
import {
  Controller,
  type DynamicModule,
  Get,
  type INestApplication,
  type LogLevel,
  Module,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  type HandledRecord,
  ON_HANDLED,
  type OnHandled,
  WebhookHandlers,
} from './webhook-handlers.js';

export type { HandledRecord } from './webhook-handlers.js';

export interface CreateAppOptions {
  /** The subscription's signing secret (several during a rotation). Default: COMPOSIO_WEBHOOK_SECRET (env or .env). */
  secret?: string | string[];
  /** Called after each handler ran. Default: nothing (handlers log through Nest's logger). */
  onHandled?: (record: HandledRecord) => void;
  /** Dedupe store (default: in memory; use @composio-webhooks/redis with several instances). */
  idempotency?: IdempotencyStore | false;
  /** Called once per webhook request with its outcome (status, code, id). */
  onOutcome?: (outcome: ReceiverOutcome) => void;
  /** Nest's HTTP platform (default 'express'). */
  platform?: 'express' | 'fastify';
  /** Nest's logger levels, or false for none (default: Nest's default). */
  logger?: LogLevel[] | false;
}

@Controller('health')
class HealthController {
  @Get()
  health(): { ok: true } {
    return { ok: true };
  }
}

@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest module is a class; register() builds it dynamically.
export class AppModule {
  static register(options: CreateAppOptions = {}): DynamicModule {
    const onHandled: OnHandled = options.onHandled ?? (() => undefined);
    return {
      module: AppModule,
      imports: [
        // Reads COMPOSIO_WEBHOOK_SECRET from the environment or a .env file; a secret passed to
        // createApp is loaded as configuration, which ConfigService prefers.
        ConfigModule.forRoot({
          isGlobal: true,
          load:
            options.secret === undefined
              ? []
              : [() => ({ COMPOSIO_WEBHOOK_SECRET: options.secret })],
        }),
        ComposioWebhooksModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            secret: config.get<string | string[]>('COMPOSIO_WEBHOOK_SECRET'),
            ...(options.idempotency !== undefined && { idempotency: options.idempotency }),
            ...(options.onOutcome !== undefined && { onOutcome: options.onOutcome }),
          }),
        }),
      ],
      controllers: [HealthController],
      providers: [{ provide: ON_HANDLED, useValue: onHandled }, WebhookHandlers],
    };
  }
}

/**
 * Creates the Nest app, configured but not listening: `await app.listen(3000)` serves it (in
 * tests: `await app.init()`, and on Fastify `await app.getHttpAdapter().getInstance().ready()`,
 * then `request(app.getHttpServer())`). A missing or empty secret rejects here, at start-up.
 * Nest's default set-up: the module reads its route's raw body itself (no `rawBody`, no
 * `useBodyParser`), so 200 KB deliveries pass Nest's 100 KB JSON limit.
 */
export function createApp(options: CreateAppOptions = {}): Promise<INestApplication> {
  const module = AppModule.register(options);
  // abortOnError: false makes a start-up error (e.g. no secret) reject instead of exiting.
  const nestOptions = {
    abortOnError: false,
    ...(options.logger !== undefined && { logger: options.logger }),
  };
  return options.platform === 'fastify'
    ? NestFactory.create(module, new FastifyAdapter(), nestOptions)
    : NestFactory.create(module, new ExpressAdapter(), nestOptions);
}
