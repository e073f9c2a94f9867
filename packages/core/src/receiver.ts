/**
 * `createWebhookReceiver`: the exchange without a framework, for code that already holds the raw
 * body and headers (a queue consumer, a test, the CLI's `listen`). `receive()` runs the same
 * stages as every adapter (`exchange.ts`), so one input gets one answer everywhere: a gzip body
 * is 415 and a `latin1` charset 400 here too.
 */

import { Exchange, type ExchangeResult } from './exchange.js';
import type { WebhookHeaders } from './headers.js';
import { createPipeline, type ReceiverOptions } from './options.js';
import { errorResponse, type ReceiverResponse } from './responses.js';
import type { BodyLimits } from './stages/read.js';
import type { WebhookBody } from './verify.js';

export {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_HANDLER_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  type ReceiverOptions,
} from './options.js';
export type { WebhookBody };

export interface WebhookRequest {
  /**
   * The raw body exactly as received; or a function that reads it within the limits it is given
   * (`maxBodyBytes`, `bodyTimeoutMs`), called only once the headers passed — e.g. `(limits) =>
   * readRawBody({ stream: req, limits, … })` of `@composio-webhooks/core/node`. It rejects with a
   * `WebhookError` (413, 408, 400, 500), answered like any refusal.
   */
  body: WebhookBody | ((limits: BodyLimits) => Promise<WebhookBody>);
  headers: WebhookHeaders;
  /** The request method when there is one: anything but `POST` is answered 405. Default `POST`. */
  method?: string;
}

export interface WebhookReceiver {
  /**
   * Verify, dedupe, dispatch to the router and answer, as a `POST` to an adapter would be.
   * @remark never rejects, whatever the request.
   */
  receive(request: WebhookRequest): Promise<ReceiverResponse>;
}

const CORE = { packageName: '@composio-webhooks/core', kind: 'handler' } as const;

export function createWebhookReceiver(options: ReceiverOptions): WebhookReceiver {
  const exchange = new Exchange(createPipeline(options), CORE, undefined, false, undefined);
  return {
    async receive(request) {
      try {
        const { body, method = 'POST' } = request ?? ({} as Partial<WebhookRequest>);
        const headers = request?.headers ?? {};
        let result: ExchangeResult;
        if (typeof body !== 'function' && method === 'POST') {
          // The common case: stage 1 has no method or path to check, and the body is in hand.
          const trace = exchange.begin(headers);
          result = await (exchange.precheck(trace) ??
            exchange.withBody(trace, body as WebhookBody));
        } else {
          const read = typeof body === 'function' ? body : async () => body as WebhookBody;
          result = await exchange.handle({ method, headers, body: read });
        }
        if (result.type === 'respond') return result.response;
        // Not reachable: receive() has no path to pass a request on and no route to hand it to.
        throw new Error(`receive(): the exchange ended in '${result.type}'`);
      } catch (error) {
        // Only reachable through a bug or a throwing custom store/router: still answer.
        return errorResponse(error);
      }
    },
  };
}
