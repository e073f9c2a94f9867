/**
 * The example's generated src/composio-triggers.d.ts (from `pnpm build`) types Nest handlers:
 * a `@OnTriggerMessage(slug)` method gets the same `data` type as `router.onTrigger(slug, …)`.
 */
import { createWebhookRouter, type TriggerMessageEvent } from '@composio-webhooks/core';
import { OnTriggerMessage } from '@composio-webhooks/nest';
import { describe, expectTypeOf, it } from 'vitest';

describe('generated trigger types in Nest handlers', () => {
  it('types @OnTriggerMessage(slug) methods from the schema', () => {
    class Handlers {
      @OnTriggerMessage('GITHUB_PULL_REQUEST_EVENT')
      pullRequest(event: TriggerMessageEvent<'GITHUB_PULL_REQUEST_EVENT'>) {
        expectTypeOf(event.data.user.login).toEqualTypeOf<string>();
        expectTypeOf(event.data.body).toEqualTypeOf<string | null | undefined>();
        expectTypeOf(event.data.labels).toEqualTypeOf<string[] | undefined>();
        // @ts-expect-error not a field of the schema
        event.data.nonexistent;
        return event.data.user.login;
      }

      @OnTriggerMessage('GITHUB_COMMIT_EVENT')
      commit(event: TriggerMessageEvent<'GITHUB_COMMIT_EVENT'>) {
        expectTypeOf(event.data.author).toEqualTypeOf<string>();
      }
    }
    expectTypeOf<Handlers>().toHaveProperty('pullRequest');
  });

  it('is the same type router.onTrigger gives', () => {
    createWebhookRouter().onTrigger('GITHUB_PULL_REQUEST_EVENT', (event) => {
      expectTypeOf(event).toEqualTypeOf<TriggerMessageEvent<'GITHUB_PULL_REQUEST_EVENT'>>();
    });
  });

  it('rejects a method that expects the data of another trigger', () => {
    class Wrong {
      // @ts-expect-error a commit event does not carry pull request data
      @OnTriggerMessage('GITHUB_COMMIT_EVENT')
      commit(event: TriggerMessageEvent<'GITHUB_PULL_REQUEST_EVENT'>) {
        return event.data.user.login;
      }
    }
    expectTypeOf<Wrong>().toHaveProperty('commit');
  });
});
