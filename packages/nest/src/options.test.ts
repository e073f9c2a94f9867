import { isWebhookError } from '@composio-webhooks/core';
import { describe, expect, it } from 'vitest';
import { checkAsyncOptions, checkIsGlobal, checkModuleOptions, resolvePath } from './options.js';

function configError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    expect(isWebhookError(error) && error.code).toBe('INVALID_CONFIG');
    return error as Error;
  }
  throw new Error('expected a WebhookConfigError');
}

describe('resolvePath', () => {
  it('defaults to /webhooks/composio, adds the leading slash, false means no route', () => {
    expect(resolvePath(undefined)).toBe('/webhooks/composio');
    expect(resolvePath('hooks/composio')).toBe('/hooks/composio');
    expect(resolvePath(' /hooks ')).toBe('/hooks');
    expect(resolvePath(false)).toBeUndefined();
  });

  it.each([[''], ['  '], ['/'], [true], [null], [7]])('refuses %j', (path) => {
    expect(configError(() => resolvePath(path)).message).toMatch(
      /^\[@composio-webhooks\/nest\] ComposioWebhooksModule: `path` must be a route such as '\/webhooks\/composio'.*or false/,
    );
  });
});

describe('checkIsGlobal', () => {
  it('defaults to true and takes booleans only', () => {
    expect(checkIsGlobal(undefined)).toBe(true);
    expect(checkIsGlobal(false)).toBe(false);
    expect(configError(() => checkIsGlobal('yes')).message).toContain(
      '`isGlobal` must be a boolean',
    );
  });
});

describe('checkModuleOptions', () => {
  it('passes an options object through, treats a missing one as {}', () => {
    const options = { secret: 's', tolerance: 10 };
    expect(checkModuleOptions(options)).toBe(options);
    expect(checkModuleOptions(undefined)).toEqual({});
    expect(checkModuleOptions(null)).toEqual({});
  });

  it('refuses a non-object factory result', () => {
    expect(configError(() => checkModuleOptions('secret')).message).toContain(
      'options must be an object (the forRootAsync factory returned string)',
    );
  });

  it('refuses module-definition settings returned by a factory', () => {
    expect(
      configError(() => checkModuleOptions({ secret: 's', path: '/x', isGlobal: true })).message,
    ).toContain(
      '`path` and `isGlobal` must be passed to forRootAsync({ path, isGlobal, useFactory }) itself',
    );
  });
});

describe('checkAsyncOptions', () => {
  it('wants useFactory, useClass or useExisting', () => {
    expect(() => checkAsyncOptions({ useFactory: () => ({}) })).not.toThrow();
    expect(() => checkAsyncOptions({ useClass: class {} })).not.toThrow();
    expect(configError(() => checkAsyncOptions({ inject: [] })).message).toContain(
      'forRootAsync needs `useFactory`',
    );
    expect(() => checkAsyncOptions(undefined)).toThrow('forRootAsync needs `useFactory`');
  });
});
