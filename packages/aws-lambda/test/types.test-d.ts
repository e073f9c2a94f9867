import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import { describe, expectTypeOf, it } from 'vitest';
import { composioWebhook, createWebhookRouter, withComposioWebhook } from '../src/index.js';

const router = createWebhookRouter();

describe('types', () => {
  it("accepts every source's event as @types/aws-lambda declares it", () => {
    const handler = composioWebhook({ router });
    expectTypeOf(handler).toBeCallableWith({} as APIGatewayProxyEvent);
    expectTypeOf(handler).toBeCallableWith({} as APIGatewayProxyEventV2);
    expectTypeOf(handler).toBeCallableWith({} as LambdaFunctionURLEvent);
    expectTypeOf(handler).toBeCallableWith({} as ALBEvent);
  });

  it("returns a result assignable to each source's result type", async () => {
    const result = await composioWebhook({ router })({} as APIGatewayProxyEvent);
    expectTypeOf(result).toMatchTypeOf<APIGatewayProxyResult>();
    expectTypeOf(result).toMatchTypeOf<APIGatewayProxyStructuredResultV2>();
    expectTypeOf(result).toMatchTypeOf<ALBResult>();
  });

  it('takes no path, and verify-only takes no router', () => {
    // @ts-expect-error the platform routes
    composioWebhook({ router, path: '/webhooks/composio' });
    withComposioWebhook(async () => ({ statusCode: 200, body: '', isBase64Encoded: false }), {
      // @ts-expect-error verify-only answers with your handler's result
      router,
    });
  });

  it('narrows the event type for the verify-only handler', () => {
    withComposioWebhook<APIGatewayProxyEventV2>(async (event, delivery) => {
      expectTypeOf(event.rawPath).toEqualTypeOf<string>();
      expectTypeOf(delivery.id).toEqualTypeOf<string>();
      return { statusCode: 200, body: '', isBase64Encoded: false };
    });
  });
});
