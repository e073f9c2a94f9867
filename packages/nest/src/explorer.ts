/**
 * At start-up: exempts the module's webhook routes from the platform's body parser (see
 * raw-routes.ts), and finds the methods decorated with `@OnComposioEvent` & co. on every
 * provider and controller and registers them on the module's core router. Handlers are called as the
 * provider's own methods (like `@nestjs/event-emitter`'s `@OnEvent`), so DI is intact and an
 * error they throw reaches the receiver (500, claim released, Composio retries).
 */
import {
  type ComposioEvent,
  type WebhookDelivery,
  type WebhookRouter,
} from '@composio-webhooks/core';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  ContextIdFactory,
  DiscoveryService,
  HttpAdapterHost,
  MetadataScanner,
  ModuleRef,
} from '@nestjs/core';
import { type HandlerRegistration, handlerRegistrations } from './decorators.js';
import { exemptFromBodyParsers, webhookPaths } from './raw-routes.js';
import { ComposioWebhooksService } from './service.js';

type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];
type HandlerMethod = (event: ComposioEvent, delivery: WebhookDelivery) => unknown;

@Injectable()
export class ComposioWebhooksExplorer implements OnModuleInit {
  private readonly logger = new Logger('ComposioWebhooks');
  private explored = false;

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
    @Inject(ComposioWebhooksService) private readonly webhooks: ComposioWebhooksService,
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    if (this.explored) return;
    this.explored = true;
    const controllers = this.discovery.getControllers();
    // Nest has registered its body parsers and routes by now (init order): exempt ours.
    if (this.host.httpAdapter) {
      exemptFromBodyParsers(
        this.host.httpAdapter,
        webhookPaths(controllers, this.scanner, this.moduleRef),
        this.logger,
      );
    }
    const wrappers = [...this.discovery.getProviders(), ...controllers];
    for (const wrapper of wrappers) {
      const { instance } = wrapper;
      if (wrapper.isAlias || instance === null || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const registrations = handlerRegistrations(
          (prototype as Record<string, unknown>)[methodName],
        );
        if (registrations.length === 0) continue;
        const handler = this.handlerFor(wrapper, instance, methodName);
        for (const registration of registrations) {
          register(this.webhooks.router, registration, handler);
          this.logger.log(`Mapped ${handler.name} to ${describe(registration)}`);
        }
      }
    }
  }

  private handlerFor(
    wrapper: InstanceWrapper,
    instance: object,
    methodName: string,
  ): HandlerMethod {
    const className = instance.constructor?.name ?? String(wrapper.name);
    let handler: HandlerMethod;
    // A transient provider's static "instance" is an unconstructed placeholder: resolve it too.
    if (wrapper.isDependencyTreeStatic() && !wrapper.isTransient) {
      handler = (event, delivery) =>
        (instance as Record<string, HandlerMethod>)[methodName]?.call(instance, event, delivery);
    } else {
      // Request-scoped or transient provider (or one depending on such): a fresh instance per
      // delivery, whose REQUEST is the delivery (as `@nestjs/event-emitter` does with the event).
      handler = async (event, delivery) => {
        const contextId = ContextIdFactory.create();
        this.moduleRef.registerRequestByContextId(delivery, contextId);
        const scoped = await this.moduleRef.resolve<unknown, Record<string, HandlerMethod>>(
          wrapper.token,
          contextId,
          { strict: false },
        );
        return scoped[methodName]?.call(scoped, event, delivery);
      };
    }
    Object.defineProperty(handler, 'name', { value: `${className}.${methodName}` });
    return handler;
  }
}

function register(
  router: WebhookRouter,
  registration: HandlerRegistration,
  handler: HandlerMethod,
): void {
  switch (registration.kind) {
    case 'on':
      router.on(registration.types as readonly `composio.${string}`[], handler);
      break;
    case 'trigger':
      router.onTrigger(registration.slug, handler);
      break;
    case 'any':
      router.onAny(handler);
      break;
    case 'unknown':
      router.onUnknown(handler);
      break;
  }
}

function describe(registration: HandlerRegistration): string {
  switch (registration.kind) {
    case 'on':
      return registration.types.join(', ');
    case 'trigger':
      return `composio.trigger.message (${registration.slug})`;
    case 'any':
      return 'every event';
    case 'unknown':
      return 'unknown composio.* events';
  }
}
