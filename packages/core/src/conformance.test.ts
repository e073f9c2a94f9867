/**
 * The conformance suite every adapter runs, on `receive()` itself (served the way the CLI's
 * `listen` serves it): the same stages, so the same answers — gzip 415 and a foreign charset 400
 * included.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { describeConformance, serveReceiver } from './conformance.js';
import { CONFORMANCE_OPTIONS, createConformanceApp } from './conformance-app.js';
import { createWebhookReceiver } from './receiver.js';

describeConformance(
  {
    name: 'receive() (createWebhookReceiver)',
    kind: 'handler',
    verifyOnly: false,
    start: () => {
      const app = createConformanceApp();
      return serveReceiver(
        createWebhookReceiver({ ...CONFORMANCE_OPTIONS, router: app.router }),
        app,
      );
    },
  },
  { describe, it, beforeAll, afterAll },
);
