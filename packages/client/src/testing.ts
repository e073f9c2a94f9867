/**
 * `@composio-webhooks/client/testing`: a local fake of the Webhook Subscriptions API for tests.
 * Node only (node:http).
 */
export {
  createFakeSubscriptionsApi,
  FAKE_EVENT_TYPES,
  type FakeFault,
  type FakeSubscriptionsApi,
  type FakeSubscriptionsApiOptions,
  type FakeWireSubscription,
  type FakeWireTriggerType,
  type RecordedRequest,
} from './fake-api.js';
