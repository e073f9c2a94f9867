/**
 * `@composio-webhooks/core/testing/conformance`: the one suite every adapter's tests run, over
 * real HTTP, against an app built with `createConformanceApp()` (see `conformance-app.ts`): the
 * status table, duplicates, in flight, handler failure and retry, the handler deadline, request
 * hygiene (size, encoding, slow bodies, early refusals), bad input, and verify-only settling.
 * A new adapter is done when it passes it. Runs on Node (it opens raw sockets for the slow and
 * oversize cases); the app under test may run anywhere.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONFORMANCE_PATHS, type ConformanceApp } from './conformance-app.js';
import {
  type ConformanceServer,
  check,
  conformanceClient,
  expectStatus,
  sleep,
  trigger,
} from './conformance-client.js';
import { describeHygiene } from './conformance-hygiene.js';
import { describeStatuses } from './conformance-statuses.js';
import type { AdapterKind } from './exchange.js';
import { readNodeRequest } from './node.js';
import type { WebhookReceiver } from './receiver.js';
import { signWebhook } from './sign.js';

export type { ConformanceServer };

export interface ConformanceTarget {
  /** Shown in test names, e.g. `Express 5`. */
  name: string;
  start(): Promise<ConformanceServer>;
  /** `'middleware'` adapters pass other methods on; `'route'` and `'handler'` adapters answer them 405. */
  kind: AdapterKind;
  /** The app serves `CONFORMANCE_PATHS.verifyOnly` in verify-only mode (default true). */
  verifyOnly?: boolean;
  /**
   * The platform reads the whole body before the adapter sees it (AWS Lambda behind API Gateway,
   * a function URL or an ALB): the stream cases (a chunked body past the limit, a body that
   * stalls) are the platform's, and are skipped.
   */
  bufferedBody?: boolean;
  /**
   * The platform hands the body to the adapter as decoded UTF-8 text (serverless-offline's API
   * Gateway for JSON content types): bytes that are not UTF-8 cannot arrive intact.
   */
  textBody?: boolean;
}

/** The test functions of the runner (vitest, jest, node:test with expect), injected. */
export interface ConformanceRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeout?: number): void;
  beforeAll(body: () => Promise<void>, timeout?: number): void;
  afterAll(body: () => Promise<void>): void;
}

/** Registers the conformance suite for one target. */
export function describeConformance(target: ConformanceTarget, t: ConformanceRunner): void {
  let server: ConformanceServer | undefined;
  const c = conformanceClient(() => server as ConformanceServer);

  t.describe(`conformance: ${target.name}`, () => {
    t.beforeAll(async () => {
      server = await target.start();
    }, 60_000);
    t.afterAll(async () => {
      await server?.close();
    });

    t.describe('router mode', () => {
      describeStatuses(c, target, t);
      describeHygiene(c, target, t);
    });

    if (target.verifyOnly !== false) {
      t.describe('verify-only mode: the route answers and its answer settles the delivery', () => {
        const path = CONFORMANCE_PATHS.verifyOnly;
        t.it(
          '2xx: processed; a copy is 200 duplicate and the route does not run again',
          async () => {
            const event = trigger({ answer: 202 });
            expectStatus(await c.deliver(event, path), 202);
            const copy = await c.deliver(event, path);
            expectStatus(copy, 200);
            check(copy.body.duplicate === true, `copy ${copy.text}`);
            check((await c.runsOf(event.id)).length === 1, 'route ran once');
          },
        );
        t.it('non-2xx: released, the retry runs the route again', async () => {
          const event = trigger({ answer: 503 });
          expectStatus(await c.deliver(event, path), 503);
          await sleep(50);
          expectStatus(await c.deliver(event, path), 503);
          check((await c.runsOf(event.id)).length === 2, 'route ran twice');
        });
        t.it('a route that throws: released, the retry runs the route again', async () => {
          const event = trigger({ failTimes: 1, answer: 200 });
          const failed = await c.deliver(event, path);
          check(failed.status >= 500, `status ${failed.status}`);
          await sleep(50);
          expectStatus(await c.deliver(event, path), 200);
          check((await c.runsOf(event.id)).length === 2, 'route ran twice');
        });
        t.it('refusals are the same as in router mode (401, 409)', async () => {
          const forged = await signWebhook({ payload: trigger(), secret: 'not-it' });
          expectStatus(await c.post(forged.body, forged.headers, path), 401, 'INVALID_SIGNATURE');
          const event = trigger({ sleepMs: 400 });
          const first = c.deliver(event, path);
          await sleep(150);
          expectStatus(await c.deliver(event, path), 409, 'DUPLICATE_IN_FLIGHT');
          expectStatus(await first, 200);
        });
      });
    }
  });
}

/** Serves a Node request listener (an Express or Koa app's callback) on a free loopback port. */
export async function serveNode(
  listener: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<ConformanceServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Serves `receive()` on a free loopback port: the in-process conformance app of
 * `createWebhookReceiver`, the way the CLI's `listen` serves it. A request to
 * `CONFORMANCE_PATHS.router` goes to `receive()` with its method, headers and a reader of its
 * body (read only once the headers passed); `CONFORMANCE_PATHS.runs` answers the app's runs.
 */
export function serveReceiver(
  receiver: WebhookReceiver,
  app: Pick<ConformanceApp, 'runs'>,
): Promise<ConformanceServer> {
  return serveNode((request, response) => {
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    const path = (request.url ?? '/').split('?')[0];
    if (path === CONFORMANCE_PATHS.runs) return answer(200, app.runs());
    if (path !== CONFORMANCE_PATHS.router) return answer(404, { ok: false });
    receiver
      .receive({
        method: request.method ?? 'POST',
        headers: request.headers,
        body: (limits) =>
          readNodeRequest(request, limits, {
            packageName: '@composio-webhooks/core',
            howToFix: 'Pass the untouched request stream.',
          }),
      })
      .then(({ status, body, headers }) => answer(status, body, headers));
  });
}
