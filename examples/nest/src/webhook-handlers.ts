/**
 * The webhook handlers: an ordinary provider whose methods are decorated with the event they
 * handle. `ComposioWebhooksModule` finds them at start-up; each gets the typed event and the
 * delivery (id, attempt, version).
 */
import type {
  ConnectionExpiredEvent,
  TriggerDisabledEvent,
  TriggerMessageEvent,
  UnknownComposioEvent,
  WebhookDelivery,
} from '@composio-webhooks/core';
import {
  OnConnectionExpired,
  OnTriggerDisabled,
  OnTriggerMessage,
  OnUnknownComposioEvent,
} from '@composio-webhooks/nest';
import { Inject, Injectable, Logger } from '@nestjs/common';

// `event.data` of the trigger slugs handled here is typed by src/composio-triggers.d.ts, which
// `pnpm build` generates from Composio's schemas of the github toolkit (saved answers of the
// trigger types API, so the build is offline and reproducible):
//   composio-webhooks generate types --toolkits github --from-file <answers.json> --out src/composio-triggers.d.ts
// Against the live API: drop --from-file and set COMPOSIO_API_KEY.

export interface HandledRecord {
  /** Which handler ran: githubCommit, triggerMessage, connectionExpired, triggerDisabled, unknownEvent. */
  handler: string;
  /** The delivery's webhook-id. */
  id: string;
  /** The event's `type`. */
  type: string;
}

/** Injection token of the `onHandled` callback given to `createApp`. */
export const ON_HANDLED = Symbol('ON_HANDLED');
export type OnHandled = (record: HandledRecord) => void;

@Injectable()
export class WebhookHandlers {
  private readonly logger = new Logger('Webhooks');

  // An explicit @Inject works whatever compiles this file (tsc, swc, esbuild/tsx, vitest):
  // esbuild and tsx emit no decorator metadata, so class-typed injection would need tsc or swc.
  constructor(@Inject(ON_HANDLED) private readonly onHandled: OnHandled) {}

  @OnTriggerMessage('GITHUB_COMMIT_EVENT')
  githubCommit(
    event: TriggerMessageEvent<'GITHUB_COMMIT_EVENT'>,
    delivery: WebhookDelivery<TriggerMessageEvent<'GITHUB_COMMIT_EVENT'>>,
  ): void {
    // event.data is typed from the generated TriggerPayloads.
    this.logger.log(`commit by ${event.data.author}: ${event.data.message}`);
    this.onHandled({ handler: 'githubCommit', id: delivery.id, type: event.type });
  }

  @OnTriggerMessage()
  triggerMessage(event: TriggerMessageEvent, delivery: WebhookDelivery): void {
    // Every trigger, whatever its slug (V1 and V2 payloads arrive normalized to this shape).
    this.logger.log(`trigger ${event.metadata.trigger_slug} for user ${event.metadata.user_id}`);
    this.onHandled({ handler: 'triggerMessage', id: delivery.id, type: event.type });
  }

  @OnConnectionExpired()
  connectionExpired(event: ConnectionExpiredEvent, delivery: WebhookDelivery): void {
    this.logger.log(
      `${event.data.toolkit.slug} connection ${event.data.id} expired: ask the user to reconnect`,
    );
    this.onHandled({ handler: 'connectionExpired', id: delivery.id, type: event.type });
  }

  @OnTriggerDisabled()
  triggerDisabled(event: TriggerDisabledEvent, delivery: WebhookDelivery): void {
    this.logger.log(`trigger ${event.data.trigger_name} disabled: ${event.data.disabled_reason}`);
    this.onHandled({ handler: 'triggerDisabled', id: delivery.id, type: event.type });
  }

  @OnUnknownComposioEvent()
  unknownEvent(event: UnknownComposioEvent, delivery: WebhookDelivery): void {
    // A composio.* event type newer than this library: never an error.
    this.onHandled({ handler: 'unknownEvent', id: delivery.id, type: event.type });
  }
}
