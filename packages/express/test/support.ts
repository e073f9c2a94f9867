/**
 * Shared test support: both Express majors, a secret, signing and posting helpers, and a
 * logger that records instead of printing.
 */
import {
  type OutcomeRecorder,
  recordOutcomes,
  type SignedWebhook,
  signerFor,
} from '@composio-webhooks/core/testing';
import express5 from 'express';
import express4 from 'express4';
import request from 'supertest';

export type ExpressModule = typeof express5;
export type App = ReturnType<ExpressModule>;

/** Every suite runs against both majors (the peer range is `^4.17.0 || ^5.0.0`). */
export const EXPRESS_MAJORS: ReadonlyArray<readonly [string, ExpressModule]> = [
  ['Express 4', express4],
  ['Express 5', express5],
];

export const SECRET = 'composio-express-test-secret';
export const PATH = '/webhooks/composio';

/** Signs with the suites' secret (core's testing kit). */
export const sign = signerFor(SECRET);

/** POSTs a signed delivery byte for byte, over real HTTP. */
export function deliver(app: App, signed: SignedWebhook, path = PATH): request.Test {
  return request(app).post(path).set(signed.headers).send(signed.body);
}

/** Records what the receiver logs and reports (core's testing kit). */
export const recorder = recordOutcomes;
export type Recorder = OutcomeRecorder;
