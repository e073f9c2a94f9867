/**
 * Start-up: options are validated when the app is built (a clear error naming the option and
 * COMPOSIO_WEBHOOK_SECRET), `path`/`isGlobal`/`controllerDecorators`/`router`/`useClass` settings,
 * routing under a
 * global prefix and URI versioning, and handlers on request-scoped providers.
 */
import {
  createWebhookRouter,
  isWebhookError,
  type TriggerMessageEvent,
  type WebhookDelivery,
} from '@composio-webhooks/core';
import { buildTriggerMessage } from '@composio-webhooks/core/testing';
import {
  ComposioWebhooksModule,
  type ComposioWebhooksModuleOptions,
  type ComposioWebhooksOptionsFactory,
  OnTriggerMessage,
} from '@composio-webhooks/nest';
import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  type ModuleMetadata,
  Scope,
  SetMetadata,
  VersioningType,
} from '@nestjs/common';
import { APP_GUARD, REQUEST, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, PLATFORMS, type TestApp } from './support/app.js';
import {
  deliver,
  Recorder,
  SECRET,
  Settings,
  SettingsModule,
  WebhookHandlers,
} from './support/webhooks.js';

async function startupError(imports: ModuleMetadata['imports']): Promise<Error> {
  const error = await Test.createTestingModule({ imports })
    .compile()
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  if (!(error instanceof Error)) throw new Error('expected the app to fail at start-up');
  return error;
}

let apps: TestApp[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(apps.map((t) => t.close()));
  apps = [];
});

describe('options are validated at start-up', () => {
  it('an empty secret names the option and COMPOSIO_WEBHOOK_SECRET', async () => {
    const error = await startupError([ComposioWebhooksModule.forRoot({ secret: '' })]);
    expect(isWebhookError(error) && error.code).toBe('INVALID_CONFIG');
    expect(error.message).toMatch(/^\[@composio-webhooks\/nest\] `secret` is empty\./);
    expect(error.message).toContain('COMPOSIO_WEBHOOK_SECRET');
  });

  it('no secret and no COMPOSIO_WEBHOOK_SECRET says so', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', undefined);
    const error = await startupError([ComposioWebhooksModule.forRoot()]);
    expect(error.message).toContain(
      'No webhook secret: pass `secret` or set COMPOSIO_WEBHOOK_SECRET',
    );
    expect(error.message).toContain('not set');
  });

  it('forRootAsync: a factory giving an empty secret fails the same way', async () => {
    const error = await startupError([
      ComposioWebhooksModule.forRootAsync({ useFactory: () => ({ secret: '  ' }) }),
    ]);
    expect(error.message).toMatch(/^\[@composio-webhooks\/nest\] .*`secret` is empty/);
    expect(error.message).toContain('COMPOSIO_WEBHOOK_SECRET');
  });

  it('forRootAsync: a factory giving no secret with COMPOSIO_WEBHOOK_SECRET empty says it is empty', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', '');
    const error = await startupError([
      ComposioWebhooksModule.forRootAsync({
        imports: [SettingsModule],
        inject: [Settings],
        useFactory: (settings: Settings) => ({ secret: settings.get('MISSING_KEY') }),
      }),
    ]);
    expect(error.message).toContain('set COMPOSIO_WEBHOOK_SECRET (it is empty)');
  });

  it('other receiver options are checked too', async () => {
    const error = await startupError([
      ComposioWebhooksModule.forRoot({ secret: SECRET, maxBodyBytes: -1 }),
    ]);
    expect(error.message).toMatch(/^\[@composio-webhooks\/nest\] .*maxBodyBytes/);
  });

  it('path returned by the async factory is refused: it belongs to forRootAsync itself', async () => {
    const error = await startupError([
      ComposioWebhooksModule.forRootAsync({
        useFactory: () => ({ secret: SECRET, path: '/x' }) as ComposioWebhooksModuleOptions,
      }),
    ]);
    expect(isWebhookError(error) && error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('`path` goes to forRootAsync({ path, useFactory }) itself');
  });

  it.each([[''], ['/hooks?x=1'], [42]])(
    'path %j is refused as every adapter refuses it',
    (path) => {
      expect(() =>
        ComposioWebhooksModule.forRoot({ secret: SECRET, path: path as unknown as string }),
      ).toThrow(
        /^\[@composio-webhooks\/nest\] `path` must be a URL path such as '\/webhooks\/composio'/,
      );
    },
  );

  it('onRefusal must be a function, as for every adapter', async () => {
    const error = await startupError([
      ComposioWebhooksModule.forRoot({ secret: SECRET, onRefusal: 'log' as never }),
    ]);
    expect(error.message).toMatch(/^\[@composio-webhooks\/nest\] `onRefusal` must be a function/);
  });

  it('a secret from COMPOSIO_WEBHOOK_SECRET works', async () => {
    vi.stubEnv('COMPOSIO_WEBHOOK_SECRET', SECRET);
    const t = await createTestApp({
      platform: 'express',
      imports: [ComposioWebhooksModule.forRoot({ logger: false })],
    });
    apps.push(t);
    expect((await deliver(t, buildTriggerMessage())).status).toBe(200);
  });
});

@Injectable()
class OptionsFactory implements ComposioWebhooksOptionsFactory {
  constructor(private readonly settings: Settings) {}
  createComposioWebhooksOptions(): ComposioWebhooksModuleOptions {
    return { secret: this.settings.get('COMPOSIO_WEBHOOK_SECRET'), logger: false };
  }
}

/** An app-wide auth guard, as many apps have: only routes marked public pass without a token. */
const Public = () => SetMetadata('isPublic', true);
@Injectable()
class AuthGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean>('isPublic', [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }
}

/** A request-scoped handler provider: a new instance per delivery, REQUEST is the delivery. */
@Injectable({ scope: Scope.REQUEST })
class ScopedHandlers {
  static instances = new Set<ScopedHandlers>();
  constructor(
    @Inject(REQUEST) private readonly request: WebhookDelivery,
    private readonly recorder: Recorder,
  ) {
    ScopedHandlers.instances.add(this);
  }

  @OnTriggerMessage('GITHUB_COMMIT_EVENT')
  commit(event: TriggerMessageEvent<'GITHUB_COMMIT_EVENT'>, delivery: WebhookDelivery): void {
    if (this.request !== delivery) throw new Error('REQUEST is not the delivery');
    this.recorder.record('scoped', event, delivery);
  }
}

/** A transient handler provider: Nest never builds its static instance; one per delivery here. */
@Injectable({ scope: Scope.TRANSIENT })
class TransientHandlers {
  static constructed = 0;
  constructor(private readonly recorder: Recorder) {
    TransientHandlers.constructed += 1;
  }

  @OnTriggerMessage('GITHUB_COMMIT_EVENT')
  commit(event: TriggerMessageEvent<'GITHUB_COMMIT_EVENT'>, delivery: WebhookDelivery): void {
    this.recorder.record('transient', event, delivery);
  }
}

describe.each(PLATFORMS)('%s platform', (platform) => {
  it('path: a custom route, and the default one is not served', async () => {
    const t = await createTestApp({
      platform,
      imports: [
        ComposioWebhooksModule.forRoot({ secret: SECRET, logger: false, path: 'hooks/composio' }),
      ],
    });
    apps.push(t);
    expect((await deliver(t, buildTriggerMessage(), { path: '/hooks/composio' })).status).toBe(200);
    expect((await deliver(t, buildTriggerMessage())).status).toBe(404);
  });

  it('the route follows the global prefix and ignores URI versioning', async () => {
    const t = await createTestApp({
      platform,
      imports: [ComposioWebhooksModule.forRoot({ secret: SECRET, logger: false })],
      configure: (app) => {
        app.setGlobalPrefix('api');
        app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
      },
    });
    apps.push(t);
    const event = buildTriggerMessage();
    const response = await deliver(t, event, { path: '/api/webhooks/composio' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ ok: true, id: event.id });
  });

  it('forRootAsync({ useClass }) with createComposioWebhooksOptions()', async () => {
    const t = await createTestApp({
      platform,
      imports: [
        ComposioWebhooksModule.forRootAsync({
          imports: [SettingsModule],
          useClass: OptionsFactory,
        }),
      ],
      providers: [Recorder, WebhookHandlers],
    });
    apps.push(t);
    expect((await deliver(t, buildTriggerMessage())).status).toBe(200);
    expect(t.app.get(Recorder).handlers()).toContain('commit');
  });

  it('router: a router of your own gets the decorated handlers, next to handlers added in code', async () => {
    const router = createWebhookRouter();
    const inCode: string[] = [];
    router.onTrigger('GITHUB_COMMIT_EVENT', (event) => {
      inCode.push(event.id);
    });
    const t = await createTestApp({
      platform,
      imports: [ComposioWebhooksModule.forRoot({ secret: SECRET, logger: false, router })],
      providers: [Recorder, WebhookHandlers],
    });
    apps.push(t);
    const event = buildTriggerMessage();
    expect((await deliver(t, event)).status).toBe(200);
    expect(inCode).toEqual([event.id]);
    expect(t.app.get(Recorder).handlers()).toEqual([
      'any',
      'commit',
      'trigger:GITHUB_COMMIT_EVENT',
    ]);
  });

  it('controllerDecorators: mark the built-in route public for an app-wide auth guard', async () => {
    const closed = await createTestApp({
      platform,
      imports: [ComposioWebhooksModule.forRoot({ secret: SECRET, logger: false })],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    });
    apps.push(closed);
    expect((await deliver(closed, buildTriggerMessage())).status).toBe(403);

    const open = await createTestApp({
      platform,
      imports: [
        ComposioWebhooksModule.forRootAsync({
          useFactory: () => ({ secret: SECRET, logger: false }),
          controllerDecorators: [Public()],
        }),
      ],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    });
    apps.push(open);
    expect((await deliver(open, buildTriggerMessage())).status).toBe(200);
  });

  it("onRefusal sees each refusal; throwing hands it to Nest's exception handling", async () => {
    const refusals: string[] = [];
    const t = await createTestApp({
      platform,
      imports: [
        ComposioWebhooksModule.forRoot({
          secret: SECRET,
          logger: false,
          onRefusal: ({ error, response }) => {
            refusals.push(`${response.status} ${error.code}`);
            if (error.code === 'TIMESTAMP_OUT_OF_TOLERANCE') throw new HttpException('late', 418);
          },
        }),
      ],
    });
    apps.push(t);
    const forged = await deliver(t, buildTriggerMessage(), { secret: 'not-it' });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('INVALID_SIGNATURE');
    const stale = await deliver(t, buildTriggerMessage(), {
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(stale.status).toBe(418);
    expect(refusals).toEqual(['401 INVALID_SIGNATURE', '401 TIMESTAMP_OUT_OF_TOLERANCE']);
  });

  it('isGlobal: false still serves the built-in route', async () => {
    const t = await createTestApp({
      platform,
      imports: [ComposioWebhooksModule.forRoot({ secret: SECRET, logger: false, isGlobal: false })],
      providers: [Recorder, WebhookHandlers],
    });
    apps.push(t);
    expect((await deliver(t, buildTriggerMessage())).status).toBe(200);
    expect(t.app.get(Recorder).handlers()).toContain('commit');
  });

  it('a request-scoped provider gets a fresh instance per delivery, with REQUEST = the delivery', async () => {
    ScopedHandlers.instances.clear();
    const t = await createTestApp({
      platform,
      imports: [ComposioWebhooksModule.forRoot({ secret: SECRET, logger: false })],
      providers: [Recorder, ScopedHandlers],
    });
    apps.push(t);
    const before = ScopedHandlers.instances.size;
    expect((await deliver(t, buildTriggerMessage())).status).toBe(200);
    expect((await deliver(t, buildTriggerMessage())).status).toBe(200);
    expect(ScopedHandlers.instances.size - before).toBe(2);
    expect(t.app.get(Recorder).handlers()).toEqual(['scoped', 'scoped']);
  });

  it('a transient provider gets an instance with its dependencies per delivery', async () => {
    const t = await createTestApp({
      platform,
      imports: [ComposioWebhooksModule.forRoot({ secret: SECRET, logger: false })],
      providers: [Recorder, TransientHandlers],
    });
    apps.push(t);
    const before = TransientHandlers.constructed;
    expect((await deliver(t, buildTriggerMessage())).status).toBe(200);
    expect((await deliver(t, buildTriggerMessage())).status).toBe(200);
    expect(t.app.get(Recorder).handlers()).toEqual(['transient', 'transient']);
    expect(TransientHandlers.constructed - before).toBe(2);
  });
});
