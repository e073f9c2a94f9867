/** Builds real Nest apps (Test.createTestingModule) on the Express or Fastify platform. */
import 'reflect-metadata';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

export interface TestAppOptions
  extends Pick<ModuleMetadata, 'imports' | 'providers' | 'controllers'> {
  platform: Platform;
  /** Nest's `rawBody` option (default: off, Nest's default and the README's set-up). */
  rawBody?: boolean;
  /** Nest's `bodyParser` option (default: Nest's default, on). */
  bodyParser?: boolean;
  /**
   * Express only: `app.useBodyParser('json', { limit })`; default: none, Nest's own parser
   * (100 KB), as in the README's set-up.
   */
  jsonLimit?: string | false;
  /** Express only: called with the adapter before the app is created (middleware ahead of Nest's). */
  express?: (adapter: ExpressAdapter) => void;
  /** Called before `init()`, e.g. to set a global prefix. */
  configure?: (app: INestApplication) => void;
}

export interface TestApp {
  app: INestApplication;
  /** A supertest agent on the app's HTTP server. */
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function createTestApp(options: TestAppOptions): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: options.imports ?? [],
    providers: options.providers ?? [],
    controllers: options.controllers ?? [],
  }).compile();
  const nestOptions = {
    logger: false as const,
    rawBody: options.rawBody ?? false,
    ...(options.bodyParser === undefined ? {} : { bodyParser: options.bodyParser }),
  };
  let app: INestApplication;
  if (options.platform === 'express') {
    const adapter = new ExpressAdapter();
    options.express?.(adapter);
    const express = moduleRef.createNestApplication<NestExpressApplication>(adapter, nestOptions);
    const limit = options.jsonLimit ?? false;
    if (limit !== false) express.useBodyParser('json', { limit });
    app = express;
  } else {
    app = moduleRef.createNestApplication(new FastifyAdapter(), nestOptions);
  }
  options.configure?.(app);
  await app.init();
  if (options.platform === 'fastify') {
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  }
  return {
    app,
    http: () => request(app.getHttpServer()),
    close: () => app.close(),
  };
}
