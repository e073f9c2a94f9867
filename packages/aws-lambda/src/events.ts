/**
 * The Lambda events this adapter answers and the results it returns, typed structurally (no
 * dependency on `@types/aws-lambda`; its `APIGatewayProxyEvent`, `APIGatewayProxyEventV2`,
 * `LambdaFunctionURLEvent` and `ALBEvent` are all assignable to `LambdaHttpEvent`).
 *
 * Four sources, three shapes (AWS Lambda developer guide, "Using Lambda with API Gateway",
 * "Lambda function URLs", "Using Lambda with an Application Load Balancer"):
 * - API Gateway REST API (payload format 1.0): `httpMethod`, `headers` and `multiValueHeaders`.
 * - API Gateway HTTP API (payload format 2.0) and function URLs: `version: '2.0'`,
 *   `requestContext.http.method`, lower-case `headers` (repeated headers joined with commas).
 * - ALB target: `requestContext.elb`, `httpMethod`, and either `headers` or (multi-value headers
 *   turned on for the target group) `multiValueHeaders` — the result must use the same one.
 */

/** Header values as Lambda gives them: single-value maps may hold `undefined` entries. */
export type LambdaHeaders = Record<string, string | undefined>;
export type LambdaMultiValueHeaders = Record<string, string[] | undefined>;

interface LambdaBody {
  /** The body as text, or base64 of the exact bytes when `isBase64Encoded`; absent without one. */
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** API Gateway REST API (payload format 1.0). */
export interface RestApiEvent extends LambdaBody {
  httpMethod: string;
  path?: string;
  headers?: LambdaHeaders | null;
  multiValueHeaders?: LambdaMultiValueHeaders | null;
  requestContext?: object;
}

/** API Gateway HTTP API (payload format 2.0) and Lambda function URLs. */
export interface HttpApiEvent extends LambdaBody {
  version: '2.0' | string;
  rawPath?: string;
  headers?: LambdaHeaders;
  cookies?: string[];
  requestContext: { http: { method: string; path?: string } };
}

/** An Application Load Balancer target request. */
export interface AlbEvent extends LambdaBody {
  httpMethod: string;
  path?: string;
  headers?: LambdaHeaders;
  multiValueHeaders?: LambdaMultiValueHeaders;
  requestContext: { elb: { targetGroupArn?: string } };
}

/** Any HTTP event this adapter answers. */
export type LambdaHttpEvent = RestApiEvent | HttpApiEvent | AlbEvent;

/** The result Lambda returns to API Gateway, a function URL or an ALB. */
export interface LambdaHttpResult {
  statusCode: number;
  /** ALB only: e.g. `200 OK`. */
  statusDescription?: string;
  headers?: Record<string, string>;
  /** ALB with multi-value headers on: the result must use these instead of `headers`. */
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  /** Ours is always `false`; a verify-only handler's result may leave it out. */
  isBase64Encoded?: boolean;
}

/** Which shape of result the event's source expects. */
export type LambdaSource = 'rest-api' | 'http-api' | 'alb' | 'alb-multi-value';

export function sourceOf(event: LambdaHttpEvent): LambdaSource {
  const context = event.requestContext as { elb?: unknown } | undefined;
  if (context?.elb !== undefined) {
    return (event as AlbEvent).multiValueHeaders ? 'alb-multi-value' : 'alb';
  }
  return (event as HttpApiEvent).version === '2.0' ? 'http-api' : 'rest-api';
}
