/**
 * The conformance suite, router mode: the status table — each event kind processed once and its
 * copies answered 200 duplicate, legacy payloads, 409 in flight, 500 and the retry, 503 at the
 * handler deadline, concurrent copies, prototype keys.
 */

import type { ConformanceRunner, ConformanceTarget } from './conformance.js';
import { CONFORMANCE_OPTIONS } from './conformance-app.js';
import {
  type ConformanceClient,
  check,
  expectStatus,
  secret,
  sleep,
  trigger,
} from './conformance-client.js';
import { signWebhook } from './sign.js';
import {
  buildConnectionExpired,
  buildTriggerDisabled,
  buildTriggerMessage,
  messageId,
} from './testing-events.js';

export function describeStatuses(
  c: ConformanceClient,
  _target: ConformanceTarget,
  t: ConformanceRunner,
): void {
  const kinds: Array<[string, () => { id: string } & Record<string, unknown>]> = [
    ['a V3 trigger message', () => trigger()],
    ['a connection expired event', () => buildConnectionExpired()],
    ['a trigger disabled event', () => buildTriggerDisabled()],
    [
      'an unknown composio.* event',
      () => ({
        id: messageId(),
        type: 'composio.project.renamed',
        timestamp: new Date().toISOString(),
        metadata: {},
        data: { name: 'new' },
      }),
    ],
  ];
  for (const [name, build] of kinds) {
    t.it(`200: ${name} runs its handler once; a copy is 200 duplicate`, async () => {
      const event = build();
      const first = await c.deliver(event);
      expectStatus(first, 200);
      check(first.body.ok === true && first.body.id === event.id, `body ${first.text}`);
      const copy = await c.deliver(event);
      expectStatus(copy, 200);
      check(copy.body.duplicate === true, `copy body ${copy.text}`);
      check((await c.runsOf(event.id)).length === 1, 'handler ran once');
    });
  }

  t.it('200: V1 and V2 legacy payloads are normalised to trigger messages', async () => {
    const v2id = messageId();
    const v2 = {
      type: 'github_commit_event',
      timestamp: new Date().toISOString(),
      log_id: 'log_1',
      data: {
        connection_id: 'c1',
        connection_nano_id: 'cn',
        trigger_nano_id: 'tn',
        trigger_id: 't',
        user_id: 'u',
        sha: 'abc',
      },
    };
    expectStatus(await c.deliver(v2, undefined, v2id), 200);
    const v1id = messageId();
    const v1 = {
      trigger_name: 'GITHUB_COMMIT_EVENT',
      connection_id: 'c1',
      trigger_id: 't',
      payload: { sha: 'abc' },
      log_id: 'log_2',
    };
    expectStatus(await c.deliver(v1, undefined, v1id), 200);
    const runs = [...(await c.runsOf(v2id)), ...(await c.runsOf(v1id))];
    check(
      runs.map((r) => `${r.version}:${r.type}`).join() ===
        'V2:composio.trigger.message,V1:composio.trigger.message',
      `runs ${JSON.stringify(runs)}`,
    );
  });

  t.it('200: a 200 KB delivery', async () => {
    const event = buildTriggerMessage({ data: { blob: 'x'.repeat(200 * 1024) } });
    expectStatus(await c.deliver(event), 200);
  });

  t.it('409 with Retry-After while a copy is in flight; the first then completes', async () => {
    const event = trigger({ sleepMs: 400 });
    const first = c.deliver(event);
    await sleep(150);
    const copy = await c.deliver(event);
    expectStatus(copy, 409, 'DUPLICATE_IN_FLIGHT');
    check(copy.headers.get('retry-after') !== null, 'Retry-After on 409');
    expectStatus(await first, 200);
    check((await c.runsOf(event.id)).length === 1, 'handler ran once');
  });

  t.it('500 when a handler throws; the claim is released and the retry runs', async () => {
    const event = trigger({ failTimes: 1 });
    expectStatus(await c.deliver(event), 500, 'HANDLER_FAILED');
    expectStatus(await c.deliver(event), 200);
    check((await c.runsOf(event.id)).length === 2, 'handler ran twice');
  });

  t.it(
    '503 with Retry-After at handlerTimeoutMs; copies are 409 until it settles',
    async () => {
      const event = trigger({ sleepMs: CONFORMANCE_OPTIONS.handlerTimeoutMs + 700 });
      const started = Date.now();
      const first = await c.deliver(event);
      expectStatus(first, 503, 'HANDLER_TIMEOUT');
      check(first.headers.get('retry-after') !== null, 'Retry-After on 503');
      check(
        Date.now() - started < CONFORMANCE_OPTIONS.handlerTimeoutMs + 600,
        'answered at the deadline',
      );
      expectStatus(await c.deliver(event), 409, 'DUPLICATE_IN_FLIGHT');
      await sleep(1200);
      const later = await c.deliver(event);
      expectStatus(later, 200);
      check(later.body.duplicate === true, 'processed late, then a duplicate');
      check((await c.runsOf(event.id)).length === 1, 'never ran twice');
    },
    10_000,
  );

  t.it(
    '500 concurrent copies run the handler once',
    async () => {
      const event = trigger({ sleepMs: 50 });
      const signed = await signWebhook({ payload: event, secret });
      const answers = await Promise.all(
        Array.from({ length: 500 }, () => c.post(signed.body, signed.headers)),
      );
      const statuses = new Set(answers.map((a) => a.status));
      check(
        [...statuses].every((s) => s === 200 || s === 409),
        `statuses ${[...statuses]}`,
      );
      check((await c.runsOf(event.id)).length === 1, 'handler ran once');
    },
    30_000,
  );

  t.it('a __proto__ key in the payload is data, not a prototype', async () => {
    const id = messageId();
    const body = `{"id":"${id}","type":"composio.trigger.message","timestamp":"${new Date().toISOString()}","metadata":{"log_id":"l","trigger_slug":"GITHUB_COMMIT_EVENT","trigger_id":"t","connected_account_id":"c","auth_config_id":"a","user_id":null},"data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}}`;
    const signed = await signWebhook({ payload: body, secret, id });
    expectStatus(await c.post(signed.body, signed.headers), 200);
  });
}
