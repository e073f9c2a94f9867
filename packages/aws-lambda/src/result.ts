/**
 * The exchange's answer in the shape of the event's source: `statusCode`, `headers`, a JSON
 * `body`, `isBase64Encoded: false`; an ALB also gets `statusDescription`, and `multiValueHeaders`
 * instead of `headers` when its target group has multi-value headers on.
 */
import type { ReceiverResponse } from '@composio-webhooks/core';
import type { LambdaHttpResult, LambdaSource } from './events.js';

/** Reason phrases of the statuses core answers with (ALB's `statusDescription`). */
const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function toResult(response: ReceiverResponse, source: LambdaSource): LambdaHttpResult {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (response.headers) {
    for (const name in response.headers) {
      // The platform owns the connection (API Gateway would remap the header).
      if (name !== 'connection') headers[name] = response.headers[name] as string;
    }
  }
  const result: LambdaHttpResult = {
    statusCode: response.status,
    body: JSON.stringify(response.body),
    isBase64Encoded: false,
  };
  if (source === 'alb' || source === 'alb-multi-value') {
    result.statusDescription = `${response.status} ${REASONS[response.status] ?? ''}`.trimEnd();
  }
  if (source === 'alb-multi-value') {
    const multi: Record<string, string[]> = {};
    for (const name in headers) multi[name] = [headers[name] as string];
    result.multiValueHeaders = multi;
  } else {
    result.headers = headers;
  }
  return result;
}
