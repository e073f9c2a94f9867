/** Signing helpers and the handler providers the e2e suite registers. */
import {
  type ComposioEvent,
  type ConnectionExpiredEvent,
  type TriggerDisabledEvent,
  type TriggerMessageEvent,
  type UnknownComposioEvent,
  type WebhookDelivery,
  WebhookEventType,
} from '@composio-webhooks/core';
import { type SignWebhookInput, signWebhook } from '@composio-webhooks/core/testing';
import {
  ComposioWebhooksModule,
  type ComposioWebhooksModuleOptions,
  OnAnyComposioEvent,
  OnComposioEvent,
  OnConnectionExpired,
  OnTriggerDisabled,
  OnTriggerMessage,
  OnUnknownComposioEvent,
} from '@composio-webhooks/nest';
import { type DynamicModule, Injectable, Module } from '@nestjs/common';
import type { Response } from 'supertest';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createTestApp, type Platform, type TestApp } from './app.js';

declare module '@composio-webhooks/nest' {
  interface TriggerPayloads {
    GITHUB_COMMIT_EVENT: { author: string; message: string; id: string; url: string };
  }
}

export const SECRET = 'nest-e2e-test-secret';
export const WEBHOOK_PATH = '/webhooks/composio';

export function sign(payload: unknown, input: Partial<SignWebhookInput> = {}) {
  return signWebhook({ payload, secret: SECRET, ...input });
}

/** POSTs a signed delivery (exact body, its headers) to the app. */
export async function deliver(
  t: TestApp,
  payload: unknown,
  input: Partial<SignWebhookInput> & { path?: string } = {},
): Promise<Response> {
  const { path = WEBHOOK_PATH, ...signing } = input;
  const { body, headers } = await sign(payload, signing);
  return t.http().post(path).set(headers).send(body);
}

export interface HandledCall {
  handler: string;
  id: string;
  type: string;
  deliveryId: string;
  attempt?: number;
  version: string;
}

/** A plain service the handlers get injected by class: what they saw, and knobs for failures. */
@Injectable()
export class Recorder {
  calls: HandledCall[] = [];
  /** How many more times the FLAKY_TRIGGER handler throws. */
  failuresLeft = 0;
  /** SLOW_TRIGGER handlers wait for this. */
  gate: Promise<void> = Promise.resolve();

  record(handler: string, event: ComposioEvent, delivery: WebhookDelivery): void {
    const call: HandledCall = {
      handler,
      id: event.id,
      type: event.type,
      deliveryId: delivery.id,
      version: delivery.version,
    };
    if (delivery.attempt !== undefined) call.attempt = delivery.attempt;
    this.calls.push(call);
  }

  handlers(): string[] {
    return this.calls.map((call) => call.handler).sort();
  }

  reset(): void {
    this.calls = [];
    this.failuresLeft = 0;
    this.gate = Promise.resolve();
  }
}

/** One handler per decorator, on an ordinary provider with an injected service. */
@Injectable()
export class WebhookHandlers {
  constructor(private readonly recorder: Recorder) {}

  @OnTriggerMessage('GITHUB_COMMIT_EVENT')
  commit(
    event: TriggerMessageEvent<'GITHUB_COMMIT_EVENT'>,
    delivery: WebhookDelivery<TriggerMessageEvent<'GITHUB_COMMIT_EVENT'>>,
  ): void {
    // `data` is typed from TriggerPayloads: a wrong field would not compile.
    if (typeof event.data.author !== 'string') throw new Error('author missing');
    this.recorder.record('commit', event, delivery);
  }

  @OnTriggerMessage()
  anyTrigger(event: TriggerMessageEvent, delivery: WebhookDelivery): void {
    this.recorder.record(`trigger:${event.metadata.trigger_slug}`, event, delivery);
  }

  @OnConnectionExpired()
  async expired(event: ConnectionExpiredEvent, delivery: WebhookDelivery): Promise<void> {
    await Promise.resolve();
    this.recorder.record(`expired:${event.data.toolkit.slug}`, event, delivery);
  }

  @OnTriggerDisabled()
  disabled(event: TriggerDisabledEvent, delivery: WebhookDelivery): void {
    this.recorder.record(`disabled:${event.data.trigger_name}`, event, delivery);
  }

  @OnComposioEvent([WebhookEventType.CONNECTION_EXPIRED, WebhookEventType.TRIGGER_DISABLED])
  lifecycle(event: ConnectionExpiredEvent | TriggerDisabledEvent, delivery: WebhookDelivery): void {
    this.recorder.record('lifecycle', event, delivery);
  }

  @OnUnknownComposioEvent()
  unknown(event: UnknownComposioEvent, delivery: WebhookDelivery): void {
    this.recorder.record(`unknown:${event.type}`, event, delivery);
  }

  @OnAnyComposioEvent()
  any(event: ComposioEvent, delivery: WebhookDelivery): void {
    this.recorder.record('any', event, delivery);
  }

  @OnTriggerMessage('FLAKY_TRIGGER')
  flaky(event: TriggerMessageEvent<'FLAKY_TRIGGER'>, delivery: WebhookDelivery): void {
    if (this.recorder.failuresLeft > 0) {
      this.recorder.failuresLeft -= 1;
      throw new Error('the database is down');
    }
    this.recorder.record('flaky', event, delivery);
  }

  @OnTriggerMessage('SLOW_TRIGGER')
  async slow(event: TriggerMessageEvent<'SLOW_TRIGGER'>, delivery: WebhookDelivery): Promise<void> {
    await this.recorder.gate;
    this.recorder.record('slow', event, delivery);
  }
}

/** Where the forRootAsync apps read the secret: a ConfigService-like provider in its own module. */
@Injectable()
export class Settings {
  private readonly values: Record<string, string> = { COMPOSIO_WEBHOOK_SECRET: SECRET };
  get(key: string): string | undefined {
    return this.values[key];
  }
}

@Module({ providers: [Settings], exports: [Settings] })
export class SettingsModule {}

export type ModuleMode = 'forRoot' | 'forRootAsync';
export const MODES: readonly ModuleMode[] = ['forRoot', 'forRootAsync'];

/** The module, configured either way; extra options are merged into both. */
export function webhooksModule(
  mode: ModuleMode,
  options: ComposioWebhooksModuleOptions & { path?: string | false } = {},
): DynamicModule {
  const { path, ...rest } = options;
  const extras = path === undefined ? {} : { path };
  if (mode === 'forRoot') {
    return ComposioWebhooksModule.forRoot({ secret: SECRET, logger: false, ...rest, ...extras });
  }
  return ComposioWebhooksModule.forRootAsync({
    imports: [SettingsModule],
    inject: [Settings],
    useFactory: (settings: Settings) => ({
      secret: settings.get('COMPOSIO_WEBHOOK_SECRET'),
      logger: false,
      ...rest,
    }),
    ...extras,
  });
}

/**
 * Registers the suite hooks of an app serving the module's route with `WebhookHandlers`: built
 * once per suite, recorder cleared before each test, closed after. Read `t` and `recorder` inside
 * tests (they are set by the time tests run).
 */
export function useHandlersApp(
  platform: Platform,
  mode: ModuleMode,
): { readonly t: TestApp; readonly recorder: Recorder } {
  const state = {} as { t: TestApp; recorder: Recorder };
  beforeAll(async () => {
    state.t = await createTestApp({
      platform,
      imports: [webhooksModule(mode)],
      providers: [Recorder, WebhookHandlers],
    });
    state.recorder = state.t.app.get(Recorder);
  });
  afterAll(() => state.t.close());
  beforeEach(() => state.recorder.reset());
  return state;
}
