/**
 * Proves which Nest major this project runs: the `@nestjs/*` packages the suite (and the
 * package's sources) import are the test package's, of the expected major, and the app that
 * `@nestjs/testing` builds is made of those very modules.
 */
import { pathToFileURL } from 'node:url';
import { ComposioWebhooksService } from '@composio-webhooks/nest';
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { describe, expect, inject, it } from 'vitest';
import { createTestApp } from './support/app.js';
import { webhooksModule } from './support/webhooks.js';

const nest = inject('nest');

describe(`Nest ${nest.major}`, () => {
  it('every @nestjs/* package is of that major', () => {
    for (const [name, version] of Object.entries(nest.versions)) {
      expect(`${name}@${version}`).toMatch(new RegExp(`^${name}@${nest.major}\\.`));
    }
  });

  it('the suite imports exactly those modules', async () => {
    const nativeCore = await import(pathToFileURL(nest.entries.core).href);
    const nativeCommon = await import(pathToFileURL(nest.entries.common).href);
    const nativeTesting = await import(pathToFileURL(nest.entries.testing).href);
    expect(core.NestFactory).toBe(nativeCore.NestFactory);
    expect(common.Module).toBe(nativeCommon.Module);
    expect(Test).toBe(nativeTesting.Test);
    const nativeExpress = await import(pathToFileURL(nest.entries['platform-express']).href);
    const nativeFastify = await import(pathToFileURL(nest.entries['platform-fastify']).href);
    expect(ExpressAdapter).toBe(nativeExpress.ExpressAdapter);
    expect(FastifyAdapter).toBe(nativeFastify.FastifyAdapter);
  });

  it('an app built by @nestjs/testing runs on those modules, with this package inside', async () => {
    for (const platform of ['express', 'fastify'] as const) {
      const t = await createTestApp({ platform, imports: [webhooksModule('forRoot')] });
      try {
        expect(t.app).toBeInstanceOf(core.NestApplication);
        expect(t.app.getHttpAdapter()).toBeInstanceOf(
          platform === 'express' ? ExpressAdapter : FastifyAdapter,
        );
        expect(t.app.get(ComposioWebhooksService)).toBeInstanceOf(ComposioWebhooksService);
      } finally {
        await t.close();
      }
    }
  });
});
