import { describe, expect, it, vi } from 'vitest';
import { isWebhookError, WebhookConfigError, WebhookHandlerError } from './errors.js';
import { type ComposioEvent, type WebhookDelivery, WebhookEventType } from './events.js';
import { normalizePayload } from './parse.js';
import { createWebhookRouter } from './router.js';
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  buildUnknownEvent,
  buildV1TriggerPayload,
} from './testing.js';

function deliveryOf(body: unknown): WebhookDelivery {
  const parsed = normalizePayload(body, { id: 'msg_test', timestamp: 1_763_630_142 });
  return {
    id: 'msg_test',
    timestamp: 1_763_630_142,
    version: parsed.version,
    event: parsed.event,
    raw: parsed.raw,
  };
}

describe('createWebhookRouter', () => {
  it('routes each known type to its handlers only', async () => {
    const calls: string[] = [];
    const router = createWebhookRouter()
      .on(WebhookEventType.TRIGGER_MESSAGE, (event) => {
        calls.push(`message:${event.metadata.trigger_slug}`);
      })
      .on(WebhookEventType.CONNECTION_EXPIRED, (event) => {
        calls.push(`expired:${event.data.toolkit.slug}`);
      })
      .on(WebhookEventType.TRIGGER_DISABLED, (event) => {
        calls.push(`disabled:${event.data.trigger_name}`);
      });

    await router.dispatch(
      deliveryOf(buildTriggerMessage({ slug: 'NOTION_PAGE_UPDATED', data: {} })),
    );
    await router.dispatch(deliveryOf(buildConnectionExpired({ toolkit: 'notion' })));
    await router.dispatch(
      deliveryOf(buildTriggerDisabled({ triggerName: 'GMAIL_NEW_GMAIL_MESSAGE' })),
    );
    expect(calls).toEqual([
      'message:NOTION_PAGE_UPDATED',
      'expired:notion',
      'disabled:GMAIL_NEW_GMAIL_MESSAGE',
    ]);
  });

  it('routes trigger messages by slug, V1/V2 included, alongside type and any handlers', async () => {
    const calls: string[] = [];
    const router = createWebhookRouter()
      .onTrigger('GITHUB_COMMIT_EVENT', (event, delivery) => {
        calls.push(`slug:${delivery.version}:${String(event.data.author)}`);
      })
      .onTrigger('GMAIL_NEW_GMAIL_MESSAGE', () => {
        calls.push('gmail');
      })
      .on(WebhookEventType.TRIGGER_MESSAGE, () => {
        calls.push('type');
      })
      .onAny((event) => {
        calls.push(`any:${event.type}`);
      })
      .onUnknown(() => {
        calls.push('unknown');
      });

    await router.dispatch(deliveryOf(buildTriggerMessage()));
    await router.dispatch(deliveryOf(buildV1TriggerPayload()));
    expect(calls).toEqual([
      'type',
      'slug:V3:octocat',
      'any:composio.trigger.message',
      'type',
      'slug:V1:octocat',
      'any:composio.trigger.message',
    ]);
  });

  it('sends unknown composio.* types to onUnknown, onAny and handlers registered for that exact type', async () => {
    const seen: string[] = [];
    const router = createWebhookRouter()
      .onUnknown((event) => {
        seen.push(`unknown:${event.type}`);
      })
      .on('composio.connected_account.refreshed', (event) => {
        seen.push(`on:${event.type}`);
      })
      .onAny(() => {
        seen.push('any');
      })
      .on(WebhookEventType.TRIGGER_MESSAGE, () => {
        seen.push('wrong');
      });
    await router.dispatch(deliveryOf(buildUnknownEvent('composio.connected_account.refreshed')));
    expect(seen).toEqual([
      'on:composio.connected_account.refreshed',
      'unknown:composio.connected_account.refreshed',
      'any',
    ]);
  });

  it('registers one handler for several types', async () => {
    const types: string[] = [];
    const router = createWebhookRouter().on(
      [WebhookEventType.CONNECTION_EXPIRED, WebhookEventType.TRIGGER_DISABLED],
      (event) => {
        types.push(event.type);
      },
    );
    await router.dispatch(deliveryOf(buildConnectionExpired()));
    await router.dispatch(deliveryOf(buildTriggerDisabled()));
    await router.dispatch(deliveryOf(buildTriggerMessage()));
    expect(types).toEqual([WebhookEventType.CONNECTION_EXPIRED, WebhookEventType.TRIGGER_DISABLED]);
  });

  it('runs every matching handler even when some fail, then reports all failures', async () => {
    const ran: string[] = [];
    const boom = new Error('boom');
    const onError = vi.fn();
    const router = createWebhookRouter()
      .onAny(async () => {
        ran.push('a');
        throw boom;
      })
      .onAny(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        ran.push('b');
      })
      .onAny(() => {
        ran.push('c');
        throw 'plain string';
      })
      .onError(onError);

    const delivery = deliveryOf(buildTriggerMessage());
    const failure = await router.dispatch(delivery).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ran.sort()).toEqual(['a', 'b', 'c']);
    expect(failure).toBeInstanceOf(WebhookHandlerError);
    const handlerError = failure as WebhookHandlerError;
    expect(isWebhookError(handlerError)).toBe(true);
    expect(handlerError.code).toBe('HANDLER_FAILED');
    expect(handlerError.status).toBe(500);
    expect(handlerError.errors).toEqual([boom, 'plain string']);
    expect(handlerError.delivery).toBe(delivery);
    expect(handlerError.cause).toBe(boom);
    expect(handlerError.message).toContain('2 handlers failed');
    expect(handlerError.message).toContain('msg_test');
    expect(onError).toHaveBeenCalledOnce();
    expect(onError).toHaveBeenCalledWith(handlerError, delivery);
  });

  it('keeps an onError handler failure next to the original ones', async () => {
    const original = new Error('handler');
    const inOnError = new Error('onError');
    const router = createWebhookRouter()
      .onAny(() => {
        throw original;
      })
      .onError(() => {
        throw inOnError;
      });
    const failure = (await router
      .dispatch(deliveryOf(buildTriggerMessage()))
      .catch((e: unknown) => e)) as WebhookHandlerError;
    expect(failure.errors).toEqual([original, inOnError]);
  });

  it('resolves when nothing matches', async () => {
    const router = createWebhookRouter().onTrigger('OTHER', () => {
      throw new Error('must not run');
    });
    await expect(router.dispatch(deliveryOf(buildTriggerMessage()))).resolves.toBeUndefined();
  });

  it('removes a handler from every registration with off', async () => {
    const calls: string[] = [];
    const handler = (event: ComposioEvent) => {
      calls.push(event.type);
    };
    const kept = () => {
      calls.push('kept');
    };
    const router = createWebhookRouter()
      .on(WebhookEventType.TRIGGER_MESSAGE, handler)
      .onTrigger('GITHUB_COMMIT_EVENT', handler)
      .onAny(handler)
      .onAny(kept);
    expect(router.handlersFor(buildTriggerMessage())).toHaveLength(4);
    router.off(handler);
    expect(router.handlersFor(buildTriggerMessage())).toHaveLength(1);
    await router.dispatch(deliveryOf(buildTriggerMessage()));
    expect(calls).toEqual(['kept']);
  });

  it('rejects mistakes at registration with a message that says what to do', () => {
    const router = createWebhookRouter();
    expect(() => router.on('GITHUB_COMMIT_EVENT' as 'composio.x', () => {})).toThrow(
      /use router\.onTrigger\("GITHUB_COMMIT_EVENT"/,
    );
    expect(() => router.on(WebhookEventType.TRIGGER_MESSAGE, 'nope' as never)).toThrow(
      WebhookConfigError,
    );
    expect(() => router.onTrigger('', () => {})).toThrow(/trigger slug/);
    expect(() => router.onAny(undefined as never)).toThrow(/handler function/);
  });
});
