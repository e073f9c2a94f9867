/**
 * The one conformance suite of core's testing kit, over real HTTP, with the handler behind a
 * node:http stand-in of the platform that builds the event of each source (REST API, HTTP API,
 * function URL, ALB with single- and multi-value headers), base64-encoded or not, header names
 * as sent. serverless-offline.test.ts runs the same suite through API Gateway's emulation.
 */
import * as testing from '@composio-webhooks/core/testing';
import { describeConformance } from '@composio-webhooks/core/testing/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';
import * as lambda from '../src/index.js';
import { conformanceHandler } from './support/app.mjs';
import { type EventShape, SOURCES, serveLambda } from './support/events.js';

const shapes: Array<[string, EventShape]> = [
  ['text body', {}],
  ['base64 body, mixed-case header names', { base64: true, mixedCase: true }],
];

for (const source of SOURCES) {
  for (const [label, shape] of shapes) {
    describeConformance(
      {
        name: `aws-lambda: ${source}, ${label}`,
        kind: 'route',
        bufferedBody: true,
        start: () => serveLambda(conformanceHandler(lambda, testing), source, shape),
      },
      { describe, it, beforeAll, afterAll },
    );
  }
}
