/**
 * The bench app, copied beside the Nest major under test (`test-nest<major>/.tmp/bench/`) so that
 * it, `@composio-webhooks/nest` and Nest itself all load that major. Two Nest apps behind one
 * Node server (a module is global: one per app), every route reached through the same dispatch:
 *
 *   /baseline   a hand-written controller: Nest's `rawBody: true` + node:crypto HMAC-SHA256 +
 *               timingSafeEqual + JSON.parse, answering 200 `{ ok: true, id }`
 *   /middleware the module's built-in route, `idempotency: false`
 *   /memory     the module's built-in route with the default in-memory store (a fresh one per round)
 */
import 'reflect-metadata';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import {
  ComposioWebhooksModule,
  MemoryIdempotencyStore,
  OnTriggerMessage,
} from '@composio-webhooks/nest';
import {
  Controller,
  HttpCode,
  Injectable,
  Module,
  Post,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';

const TOLERANCE = 3600;

export async function startBenchApp(platform, secret) {
  const handled = { baseline: 0, middleware: 0, memory: 0 };

  class Baseline {
    handle(req) {
      const id = req.headers['webhook-id'];
      const timestamp = req.headers['webhook-timestamp'];
      const signature = req.headers['webhook-signature'];
      if (
        typeof id !== 'string' ||
        typeof timestamp !== 'string' ||
        typeof signature !== 'string'
      ) {
        throw new UnauthorizedException();
      }
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE) {
        throw new UnauthorizedException();
      }
      const expected = createHmac('sha256', secret)
        .update(`${id}.${timestamp}.`)
        .update(req.rawBody)
        .digest();
      const valid = signature.split(' ').some((entry) => {
        if (!entry.startsWith('v1,')) return false;
        const given = Buffer.from(entry.slice(3), 'base64');
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!valid) throw new UnauthorizedException();
      const event = JSON.parse(req.rawBody.toString('utf8'));
      if (event.type === 'composio.trigger.message') handled.baseline += 1;
      return { ok: true, id };
    }
  }
  const handle = Object.getOwnPropertyDescriptor(Baseline.prototype, 'handle');
  Req()(Baseline.prototype, 'handle', 0);
  for (const decorate of [Post('baseline'), HttpCode(200)]) {
    decorate(Baseline.prototype, 'handle', handle);
  }
  Controller()(Baseline);

  function handlersFor(key) {
    class Handlers {
      commit() {
        handled[key] += 1;
      }
    }
    const commit = Object.getOwnPropertyDescriptor(Handlers.prototype, 'commit');
    OnTriggerMessage('GITHUB_COMMIT_EVENT')(Handlers.prototype, 'commit', commit);
    Injectable()(Handlers);
    return Handlers;
  }

  // Replaced by a fresh store for each measured round of /memory.
  let store = new MemoryIdempotencyStore();
  const memoryStore = {
    claim: (id) => store.claim(id),
    complete: (id, token) => store.complete(id, token),
    release: (id, token) => store.release(id, token),
  };

  function appModule(key, idempotency, controllers) {
    class BenchApp {}
    Module({
      imports: [
        ComposioWebhooksModule.forRoot({
          secret,
          tolerance: TOLERANCE,
          logger: false,
          idempotency,
          path: `/${key}`,
        }),
      ],
      providers: [handlersFor(key)],
      controllers,
    })(BenchApp);
    return BenchApp;
  }

  async function listener(module) {
    const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
    const app = await NestFactory.create(module, adapter, { rawBody: true, logger: false });
    await app.init();
    const instance = app.getHttpAdapter().getInstance();
    if (platform === 'fastify') {
      await instance.ready();
      return (req, res) => instance.routing(req, res);
    }
    instance.set('etag', false);
    instance.set('x-powered-by', false);
    return instance;
  }
  const main = await listener(appModule('middleware', false, [Baseline]));
  const memory = await listener(appModule('memory', memoryStore, []));
  const server = createServer((req, res) =>
    req.url.startsWith('/memory') ? memory(req, res) : main(req, res),
  );
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    handled,
    resetMemory() {
      store = new MemoryIdempotencyStore();
    },
  };
}
