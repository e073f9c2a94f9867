/**
 * Nothing happens to a request after its answer: a POST whose headers are well-formed but whose
 * signature is wrong and which has no body is refused once (one `onRefusal`, one outcome, one
 * warning), and no timer of it is left behind, on Fastify 4 and 5, in router and verify-only mode.
 */
import { buildTriggerMessage, recordOutcomes } from '@composio-webhooks/core/testing';
import { describe, expect, it } from 'vitest';
import { composioWebhooks, createWebhookRouter, type WebhookRefusal } from '../src/index.js';
import { FASTIFY_MAJORS, PATH, SECRET, sign } from './support.js';

const BODY_TIMEOUT_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Node's pending timers (`setTimeout`s not yet fired or cleared). */
const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;

describe.each(FASTIFY_MAJORS)('$name: after the answer', ({ fastify }) => {
  it.each([
    ['router mode', true],
    ['verify-only mode', false],
  ])(
    '%s: an unsigned POST without a body is refused once, and leaves no timer',
    async (_mode, withRouter) => {
      const recorder = recordOutcomes();
      const refusals: WebhookRefusal[] = [];
      const app = fastify();
      await app.register(composioWebhooks, {
        secret: SECRET,
        bodyTimeoutMs: BODY_TIMEOUT_MS,
        logger: recorder.logger,
        onOutcome: recorder.onOutcome,
        onRefusal: (refusal) => {
          refusals.push(refusal);
        },
        ...(withRouter && { router: createWebhookRouter().onAny(() => undefined) }),
      });
      if (!withRouter) {
        app.post(PATH, { preParsing: app.verifyComposioWebhook }, async () => ({ route: true }));
      }
      await app.ready();
      const signed = await sign(buildTriggerMessage());
      const headers = {
        ...signed.headers,
        'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      };
      delete (headers as Record<string, string>)['content-type'];
      const before = timers();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: PATH, headers })),
      );
      expect(answers.map((answer) => answer.statusCode)).toEqual(Array(20).fill(401));
      await sleep(BODY_TIMEOUT_MS * 4);
      expect(refusals.map((refusal) => refusal.error.code)).toEqual(
        Array(20).fill('INVALID_SIGNATURE'),
      );
      expect(recorder.outcomes.map((outcome) => outcome.status)).toEqual(Array(20).fill(401));
      expect(recorder.warnings).toHaveLength(20);
      expect(timers()).toBeLessThanOrEqual(before);
      await app.close();
    },
  );
});
