/**
 * Lambda events in the shape AWS documents for each source (the sample events of the Lambda
 * developer guide: "Using Lambda with API Gateway" payload formats 1.0 and 2.0, "Lambda function
 * URLs", "Using Lambda with an Application Load Balancer"), built from one HTTP request; and a
 * node:http bridge that plays the platform in front of a handler, so the conformance suite can
 * drive it over real HTTP.
 */

import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { type ConformanceServer, serveNode } from '@composio-webhooks/core/testing/conformance';
import type { LambdaHttpEvent, LambdaHttpResult } from '../../src/index.js';

export type Source = 'rest-api' | 'http-api' | 'function-url' | 'alb' | 'alb-multi-value';
export const SOURCES: readonly Source[] = [
  'rest-api',
  'http-api',
  'function-url',
  'alb',
  'alb-multi-value',
];

export interface HttpInput {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body: Uint8Array | string;
}

export interface EventShape {
  /** Send the body base64-encoded (`isBase64Encoded: true`), as API Gateway does for binary media types. */
  base64?: boolean;
  /** Header names as a client typed them (`Webhook-Id`); REST APIs pass names through as sent. */
  mixedCase?: boolean;
}

const titleCase = (name: string) =>
  name.replace(
    /(^|-)([a-z])/g,
    (_match, dash: string, letter: string) => dash + letter.toUpperCase(),
  );

export function lambdaEvent(
  source: Source,
  input: HttpInput,
  shape: EventShape = {},
): LambdaHttpEvent {
  const bytes = typeof input.body === 'string' ? Buffer.from(input.body) : Buffer.from(input.body);
  // Bytes that are not UTF-8 text reach a function base64-encoded (HTTP APIs and function URLs
  // encode what is not text; a REST API with binary media types too): a text body could not
  // carry them.
  const base64 = shape.base64 === true || !isUtf8(bytes);
  const body = base64 ? bytes.toString('base64') : bytes.toString('utf8');
  const names = Object.keys(input.headers);
  const values = (name: string) => {
    const value = input.headers[name] as string | string[];
    return Array.isArray(value) ? value : [value];
  };
  const cased = (name: string) => (shape.mixedCase ? titleCase(name) : name.toLowerCase());
  const single = Object.fromEntries(names.map((name) => [cased(name), values(name).at(-1)]));
  const joined = Object.fromEntries(names.map((name) => [cased(name), values(name).join(',')]));
  const multi = Object.fromEntries(names.map((name) => [cased(name), values(name)]));
  const requestId = `req-${Math.random().toString(36).slice(2)}`;
  switch (source) {
    case 'rest-api':
      return {
        resource: '/{proxy+}',
        path: input.path,
        httpMethod: input.method,
        headers: single,
        multiValueHeaders: multi,
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: { proxy: input.path.slice(1) },
        stageVariables: null,
        requestContext: {
          accountId: '123456789012',
          resourceId: 'roq9wj',
          stage: 'prod',
          requestId,
          identity: { sourceIp: '203.0.113.7', userAgent: 'Composio' },
          resourcePath: '/{proxy+}',
          httpMethod: input.method,
          path: `/prod${input.path}`,
          apiId: 'gy415nuibc',
        },
        body,
        isBase64Encoded: base64,
      } as LambdaHttpEvent;
    case 'http-api':
    case 'function-url':
      return {
        version: '2.0',
        routeKey: source === 'http-api' ? `${input.method} ${input.path}` : '$default',
        rawPath: input.path,
        rawQueryString: '',
        headers: joined,
        requestContext: {
          accountId: '123456789012',
          apiId: 'aaaaaaaaaa',
          domainName:
            source === 'http-api'
              ? 'aaaaaaaaaa.execute-api.us-west-2.amazonaws.com'
              : 'abcdefghij.lambda-url.us-west-2.on.aws',
          domainPrefix: 'aaaaaaaaaa',
          http: {
            method: input.method,
            path: input.path,
            protocol: 'HTTP/1.1',
            sourceIp: '203.0.113.7',
            userAgent: 'Composio',
          },
          requestId,
          routeKey: '$default',
          stage: '$default',
          time: '08/Dec/2026:03:00:00 +0000',
          timeEpoch: Date.now(),
        },
        body,
        isBase64Encoded: base64,
      } as LambdaHttpEvent;
    case 'alb':
      return {
        requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:tg/lambda' } },
        httpMethod: input.method,
        path: input.path,
        queryStringParameters: {},
        headers: single,
        body,
        isBase64Encoded: base64,
      } as LambdaHttpEvent;
    case 'alb-multi-value':
      return {
        requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:tg/lambda' } },
        httpMethod: input.method,
        path: input.path,
        multiValueQueryStringParameters: {},
        multiValueHeaders: multi,
        body,
        isBase64Encoded: base64,
      } as LambdaHttpEvent;
  }
}

type Handler = (event: LambdaHttpEvent, context?: unknown) => Promise<LambdaHttpResult>;

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * Plays the platform: reads the whole request (as API Gateway and ALB do before invoking),
 * invokes the handler with the event of `source`, writes its result back.
 */
export function serveLambda(
  handler: Handler,
  source: Source,
  shape: EventShape = {},
): Promise<ConformanceServer> {
  return serveNode(async (request, response) => {
    const body = await readAll(request);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = value;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const event = lambdaEvent(
      source,
      { method: request.method ?? 'GET', path: url.pathname, headers, body },
      shape,
    );
    const result = await handler(event, {});
    const out = result.multiValueHeaders ?? result.headers ?? {};
    for (const [name, value] of Object.entries(out)) response.setHeader(name, value);
    response.statusCode = result.statusCode;
    response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  });
}
