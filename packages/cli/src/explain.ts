/**
 * What a receiver's answer to `send-test` means, in words. Codes are the ones every
 * composio-webhooks adapter answers with (`{ ok: false, error: { code, message } }`).
 */

export interface Explanation {
  ok: boolean;
  /** One line: what happened. */
  summary: string;
  /** What to check or do next; empty when nothing is needed. */
  hint: string;
}

export function readReceiverBody(text: string): {
  code?: string;
  message?: string;
  duplicate?: boolean;
  queued?: boolean;
} {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const body = parsed as Record<string, unknown>;
  const error =
    typeof body.error === 'object' && body.error !== null
      ? (body.error as Record<string, unknown>)
      : body;
  return {
    code: typeof error.code === 'string' ? error.code : undefined,
    message: typeof error.message === 'string' ? error.message : undefined,
    duplicate: body.duplicate === true,
    queued: body.queued === true,
  };
}

export function explainStatus(
  status: number,
  receiver: {
    code?: string | undefined;
    duplicate?: boolean | undefined;
    queued?: boolean | undefined;
  },
  secretSource: string,
): Explanation {
  const code = receiver.code;
  if (status >= 200 && status < 300) {
    if (receiver.duplicate) {
      return {
        ok: true,
        summary: 'Accepted as a duplicate: a delivery with this webhook-id was already processed.',
        hint: 'Handlers did not run again (idempotency on webhook-id). Omit --id to send a fresh event.',
      };
    }
    if (receiver.queued) {
      return {
        ok: true,
        summary:
          'Queued: the endpoint verified the signature and put the delivery on its inbox; its handlers have not run yet.',
        hint: 'A worker (inbox.process(router)) runs them: "composio-webhooks inbox stats" shows the queue, "inbox failed" the dead letters.',
      };
    }
    return {
      ok: true,
      summary: `Delivered: the endpoint verified the signature and answered ${status}.`,
      hint: 'A router-mode endpoint answers 2xx once its handlers succeeded; a verify-only route, once it answered 2xx itself.',
    };
  }
  switch (status) {
    case 401:
      return {
        ok: false,
        summary: 'Rejected the signature: wrong secret or clock skew?',
        hint: hint401(code, secretSource),
      };
    case 400:
      return {
        ok: false,
        summary:
          'The signature was valid but the body was not accepted as a Composio payload (INVALID_PAYLOAD).',
        hint: 'Check the receiver logs; something changed the body, or the receiver expects another payload version.',
      };
    case 404:
      return {
        ok: false,
        summary: 'Nothing handles this path (404).',
        hint: 'Check --url: it must be the route your app mounts the webhook on, e.g. /webhooks/composio.',
      };
    case 405:
      return {
        ok: false,
        summary: 'The route exists but does not accept POST (405).',
        hint: 'Composio delivers with POST: mount the webhook handler on a POST route.',
      };
    case 409:
      return {
        ok: false,
        summary: 'A delivery with this webhook-id is still being processed (DUPLICATE_IN_FLIGHT).',
        hint: 'Composio would retry later (retry-after). Send again without --id for a fresh event.',
      };
    case 413:
      return {
        ok: false,
        summary: 'The body is larger than the endpoint accepts (PAYLOAD_TOO_LARGE, 413).',
        hint:
          code === 'PAYLOAD_TOO_LARGE'
            ? 'Raise the receiver’s maxBodyBytes (default 1 MiB) if your triggers send larger payloads.'
            : 'A body parser answered before the webhook (express.json() stops at 100 KB): mount the webhook ' +
              'before it. NestJS: use the module’s route or ComposioWebhookGuard, which read the raw body themselves.',
      };
    case 500:
      return code === 'RAW_BODY_UNAVAILABLE'
        ? {
            ok: false,
            summary: 'The receiver could not read the raw body (RAW_BODY_UNAVAILABLE).',
            hint:
              'A body parser consumed it first: mount the webhook route before express.json(), use ' +
              "express.raw({ type: 'application/json' }) on it, or keep the bytes (express.json({ verify: keepRawBody })). " +
              'NestJS: a middleware of yours read the stream before the module’s route (see TROUBLESHOOTING.md#raw_body_unavailable).',
          }
        : {
            ok: false,
            summary: `The receiver failed with 500${code ? ` (${code})` : ''}: most likely a handler threw.`,
            hint: 'See the server logs. Composio retries 5xx answers, and the delivery is not marked as processed.',
          };
    case 503:
      return {
        ok: false,
        summary: `The receiver is unavailable (503${code ? `, ${code}` : ''}).`,
        hint:
          code === 'STORE_UNAVAILABLE'
            ? 'The idempotency store (e.g. Redis) is unreachable. Composio retries later.'
            : 'Composio retries later. Check that the server and its dependencies are up.',
      };
    default:
      return {
        ok: false,
        summary: `Unexpected answer: HTTP ${status}${code ? ` (${code})` : ''}.`,
        hint:
          status >= 500
            ? 'Composio retries 5xx answers; see the server logs.'
            : 'Composio treats it as a failed delivery.',
      };
  }
}

function hint401(code: string | undefined, secretSource: string): string {
  switch (code) {
    case 'MISSING_HEADERS':
      return 'The receiver did not get the webhook-id/-timestamp/-signature headers: is a proxy dropping them?';
    case 'INVALID_TIMESTAMP':
      return 'The receiver could not read webhook-timestamp (Unix seconds, digits only).';
    case 'TIMESTAMP_OUT_OF_TOLERANCE':
      return 'The clocks differ by more than the tolerance (300 s by default): check NTP on both machines, or --timestamp.';
    default:
      return (
        `This event was signed with the secret from ${secretSource}; the receiver checks with another one, ` +
        "or with another secretFormat ('raw' is Composio's). Check its COMPOSIO_WEBHOOK_SECRET, that the raw " +
        'body reaches the verifier unchanged, and that the clocks agree (tolerance 300 s).'
      );
  }
}
