/**
 * At start-up: tells the body hook which routes are webhook routes (the built-in one, and every
 * route guarded by `ComposioWebhookGuard`), and registers the methods decorated with
 * `@OnComposioEvent` & co. of every provider and controller on the module's core router. Handlers
 * are called as the provider's own methods (like `@nestjs/event-emitter`'s `@OnEvent`), so DI is
 * intact and an error they throw reaches the exchange (500, claim released, Composio retries).
 */
import {
  type ComposioEvent,
  type WebhookDelivery,
  type WebhookRouter,
} from '@composio-webhooks/core';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ContextIdFactory, DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import { COMPOSIO_ROUTE_METADATA } from './constants.js';
import { type HandlerRegistration, handlerRegistrations } from './decorators.js';
import { ComposioWebhookGuard } from './guard.js';
import { ComposioWebhooksService } from './service.js';

/** Nest's metadata keys (`@nestjs/common/constants`), stable across majors. */
const PATH_METADATA = 'path';
const GUARDS_METADATA = '__guards__';

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
  ) {}

  onModuleInit(): void {
    if (this.explored) return;
    this.explored = true;
    const controllers = this.discovery.getControllers();
    for (const wrapper of controllers) this.addWebhookRoutes(wrapper.metatype);
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
          const handles = register(this.webhooks.router, registration, handler);
          this.logger.log(`Mapped ${handler.name} to ${handles}`);
        }
      }
    }
  }

  /** The built-in controller's route, and each route of `controller` that our guard guards. */
  private addWebhookRoutes(controller: unknown): void {
    if (typeof controller !== 'function') return;
    const { exchange, guardExchange, routes } = this.webhooks;
    const builtIn = Reflect.getMetadata(COMPOSIO_ROUTE_METADATA, controller) === true;
    const classGuarded = guardedBy(controller);
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of this.scanner.getAllMethodNames(prototype)) {
      const method = prototype[name];
      if (typeof method !== 'function') continue;
      const methodPaths: unknown = Reflect.getMetadata(PATH_METADATA, method);
      if (methodPaths === undefined || !(builtIn || classGuarded || guardedBy(method))) continue;
      for (const controllerPath of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
        for (const methodPath of asList(methodPaths)) {
          routes.add(`${controllerPath}/${methodPath}`, builtIn ? exchange : guardExchange);
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

/** Registers `handler` as `registration` says; returns what it handles, for the log line. */
function register(
  router: WebhookRouter,
  registration: HandlerRegistration,
  handler: HandlerMethod,
): string {
  if (registration.kind === 'trigger') {
    router.onTrigger(registration.slug, handler);
    return `composio.trigger.message (${registration.slug})`;
  }
  if (registration.kind === 'any') router.onAny(handler);
  else if (registration.kind === 'unknown') router.onUnknown(handler);
  else router.on(registration.types as readonly `composio.${string}`[], handler);
  return registration.kind === 'on' ? registration.types.join(', ') : `${registration.kind} events`;
}

function asList(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value ?? '']).filter(
    (v): v is string => typeof v === 'string',
  );
}

function guardedBy(target: object): boolean {
  const guards: unknown = Reflect.getMetadata(GUARDS_METADATA, target);
  return (
    Array.isArray(guards) &&
    guards.some((g) => g === ComposioWebhookGuard || g instanceof ComposioWebhookGuard)
  );
}
