/**
 * Shared test support: both Express majors, a secret, signing and posting helpers, and a
 * logger that records instead of printing.
 */
import { type ReceiverOutcome, type WebhookLogger } from '@composio-webhooks/core';
import { type SignedWebhook, signWebhook } from '@composio-webhooks/core/testing';
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

export function sign(
  payload: unknown,
  options: { id?: string; timestamp?: number; secret?: string } = {},
): Promise<SignedWebhook> {
  return signWebhook({ payload, secret: options.secret ?? SECRET, ...options });
}

/** POSTs a signed delivery byte for byte, over real HTTP. */
export function deliver(app: App, signed: SignedWebhook, path = PATH): request.Test {
  return request(app).post(path).set(signed.headers).send(signed.body);
}

export interface Recorder {
  logger: WebhookLogger;
  outcomes: ReceiverOutcome[];
  warnings: string[];
  errors: string[];
  onOutcome: (outcome: ReceiverOutcome) => void;
}

/** Records what the receiver logs and reports, so tests can assert on it (and stay quiet). */
export function recorder(): Recorder {
  const outcomes: ReceiverOutcome[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    outcomes,
    warnings,
    errors,
    logger: {
      warn: (message) => warnings.push(message),
      error: (message) => errors.push(message),
    },
    onOutcome: (outcome) => outcomes.push(outcome),
  };
}
