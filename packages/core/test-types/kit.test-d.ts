import { describe, expectTypeOf, it } from 'vitest';
import type { TriggerMessageEvent as CoreTriggerMessageEvent, TriggerData } from '../src/events.js';
import { createWebhookRouter, type TriggerMessageEvent } from '../src/kit.js';

// What a user writes against an adapter that re-exports the kit
// (`declare module '@composio-webhooks/express'`): augmenting the interface through a module that
// only re-exports it reaches the one core types trigger data with (here the kit itself).
declare module '../src/kit.js' {
  interface TriggerPayloads {
    SLACK_REACTION_ADDED: { reaction: string; user: string };
  }
}

describe('the user kit', () => {
  it('augmenting TriggerPayloads through the kit types trigger data everywhere', () => {
    expectTypeOf<TriggerData<'SLACK_REACTION_ADDED'>>().toEqualTypeOf<{
      reaction: string;
      user: string;
    }>();
    expectTypeOf<TriggerMessageEvent<'SLACK_REACTION_ADDED'>>().toEqualTypeOf<
      CoreTriggerMessageEvent<'SLACK_REACTION_ADDED'>
    >();
    createWebhookRouter().onTrigger('SLACK_REACTION_ADDED', (event) => {
      expectTypeOf(event.data.reaction).toEqualTypeOf<string>();
    });
  });
});
