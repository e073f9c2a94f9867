/** Options validation and the call discipline (deadline, closed client, odd replies), without Redis. */
import { EventEmitter } from 'node:events';
import { isWebhookError } from '@composio-webhooks/core';
import { describe, expect, it } from 'vitest';
import type { RedisClientLike } from './client.js';
import { RedisIdempotencyError } from './errors.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_KEY_PREFIX, RedisIdempotencyStore } from './store.js';

class FakeClient extends EventEmitter implements RedisClientLike {
  status = 'ready';
  calls: { command: 'evalsha' | 'eval'; args: unknown[] }[] = [];
  constructor(private readonly answer: (command: 'evalsha' | 'eval') => Promise<unknown>) {
    super();
  }
  evalsha(...args: unknown[]): Promise<unknown> {
    this.calls.push({ command: 'evalsha', args });
    return this.answer('evalsha');
  }
  eval(...args: unknown[]): Promise<unknown> {
    this.calls.push({ command: 'eval', args });
    return this.answer('eval');
  }
}

const never = (): Promise<unknown> => new Promise(() => {});

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isWebhookError(error) && error.code).toBe('INVALID_CONFIG');
    return (error as Error).message;
  }
  throw new Error('expected a config error');
}

describe('RedisIdempotencyStore options', () => {
  const client = new FakeClient(never);

  it('has the documented defaults, with the timings resolved by core', () => {
    const store = new RedisIdempotencyStore({ client });
    expect(store.prefix).toBe(DEFAULT_KEY_PREFIX);
    expect(store.prefix).toBe('composio-webhooks:');
    expect(store.timeoutMs).toBe(DEFAULT_COMMAND_TIMEOUT_MS);
    expect(store.leaseMs).toBe(60_000);
    expect(store.completedTtlMs).toBe(24 * 60 * 60 * 1000);
    expect(store.key('msg_1')).toBe('composio-webhooks:msg_1');
    expect(new RedisIdempotencyStore({ client, prefix: 'app:' }).key('msg_1')).toBe('app:msg_1');
    expect(new RedisIdempotencyStore({ client, timeoutMs: false }).timeoutMs).toBe(false);
  });

  it('fails at start-up on a missing or wrong client, prefix or timing', () => {
    expect(configError(() => new RedisIdempotencyStore(undefined as never))).toMatch(
      /^\[@composio-webhooks\/redis\] .*options object/,
    );
    expect(configError(() => new RedisIdempotencyStore({} as never))).toMatch(
      /^\[@composio-webhooks\/redis\] RedisIdempotencyStore needs `client`: an ioredis client/,
    );
    expect(configError(() => new RedisIdempotencyStore({ client: { get() {} } as never }))).toMatch(
      /needs `client`/,
    );
    expect(configError(() => new RedisIdempotencyStore({ client, prefix: 5 as never }))).toMatch(
      /prefix must be a string/,
    );
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '100', true]) {
      expect(
        configError(() => new RedisIdempotencyStore({ client, timeoutMs: timeoutMs as never })),
      ).toMatch(/timeoutMs must be a positive number of milliseconds or false/);
    }
    expect(configError(() => new RedisIdempotencyStore({ client, leaseMs: 0 }))).toMatch(
      /RedisIdempotencyStore leaseMs must be a positive number/,
    );
    expect(configError(() => new RedisIdempotencyStore({ client, completedTtlMs: -5 }))).toMatch(
      /RedisIdempotencyStore completedTtlMs must be a positive number/,
    );
  });
});

describe('RedisIdempotencyStore calls', () => {
  it('rejects with a timeout error when Redis never answers', async () => {
    const store = new RedisIdempotencyStore({ client: new FakeClient(never), timeoutMs: 50 });
    const started = Date.now();
    const error = await store.claim('msg_1').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(RedisIdempotencyError);
    expect(error).toMatchObject({ operation: 'claim', failure: 'timeout' });
    expect((error as Error).message).toMatch(
      /^\[@composio-webhooks\/redis\] Redis did not answer claim for composio-webhooks:msg_1 within 50 ms/,
    );
  });

  it('waits for a reconnecting client to be ready without queueing the command, then sends it', async () => {
    const client = new FakeClient(() => Promise.resolve(1));
    client.status = 'reconnecting';
    const store = new RedisIdempotencyStore({ client, timeoutMs: 1_000 });
    const claims = Promise.all([store.claim('msg_a'), store.claim('msg_b')]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.calls).toHaveLength(0);
    // One pair of listeners however many calls wait.
    expect(client.listenerCount('ready')).toBe(1);
    expect(client.listenerCount('end')).toBe(1);
    client.status = 'ready';
    client.emit('ready');
    const results = await claims;
    expect(results.map((r) => r.status)).toEqual(['claimed', 'claimed']);
    expect(client.calls).toHaveLength(2);
    expect(client.listenerCount('ready')).toBe(0);
  });

  it('never sends a command whose deadline passed while the client was reconnecting', async () => {
    const client = new FakeClient(() => Promise.resolve(1));
    client.status = 'reconnecting';
    const store = new RedisIdempotencyStore({ client, timeoutMs: 30 });
    await expect(store.claim('msg_1')).rejects.toMatchObject({ failure: 'timeout' });
    expect(client.listenerCount('ready')).toBe(0);
    client.status = 'ready';
    client.emit('ready');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(client.calls).toHaveLength(0);
  });

  it('rejects at once on a closed client, and when it ends while waiting', async () => {
    const client = new FakeClient(() => Promise.resolve(1));
    client.status = 'end';
    const store = new RedisIdempotencyStore({ client });
    await expect(store.release('msg_1', 't')).rejects.toMatchObject({
      operation: 'release',
      failure: 'closed',
      message: expect.stringMatching(/was closed \(quit\(\)\/disconnect\(\)\)/),
    });
    client.status = 'connecting';
    const pending = store.complete('msg_1', 't');
    client.status = 'end';
    client.emit('end');
    await expect(pending).rejects.toMatchObject({ operation: 'complete', failure: 'closed' });
    expect(client.calls).toHaveLength(0);
  });

  it('falls back to EVAL on NOSCRIPT only, and reports other command errors', async () => {
    const noScript = new FakeClient((command) =>
      command === 'evalsha'
        ? Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.'))
        : Promise.resolve(2),
    );
    await expect(new RedisIdempotencyStore({ client: noScript }).claim('x')).resolves.toEqual({
      status: 'completed',
    });
    expect(noScript.calls.map((c) => c.command)).toEqual(['evalsha', 'eval']);
    expect(noScript.calls[1]?.args[0]).toMatch(/SET', KEYS\[1\], ARGV\[1\], 'NX', 'PX'/);

    const wrongType = new FakeClient(() =>
      Promise.reject(
        new Error('WRONGTYPE Operation against a key holding the wrong kind of value'),
      ),
    );
    const error = await new RedisIdempotencyStore({ client: wrongType })
      .claim('x')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ operation: 'claim', failure: 'command' });
    expect((error as Error).message).toMatch(
      /Redis rejected claim for composio-webhooks:x: WRONGTYPE/,
    );
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(wrongType.calls).toHaveLength(1);
  });

  it('turns a synchronous throw and an unknown reply into rejections', async () => {
    const throwing: RedisClientLike = {
      evalsha() {
        throw new Error('boom');
      },
      eval() {
        throw new Error('boom');
      },
    };
    await expect(new RedisIdempotencyStore({ client: throwing }).claim('x')).rejects.toMatchObject({
      failure: 'command',
    });
    const odd = new FakeClient(() => Promise.resolve('OK'));
    const store = new RedisIdempotencyStore({ client: odd });
    await expect(store.claim('x')).rejects.toMatchObject({ operation: 'claim', failure: 'reply' });
    await expect(store.complete('x', 't')).rejects.toMatchObject({ failure: 'reply' });
    await expect(store.release('x', 't')).rejects.toMatchObject({ failure: 'reply' });
    await expect(store.renew('x', 't')).rejects.toMatchObject({
      operation: 'renew',
      failure: 'reply',
    });
  });

  it('renews with the token and whole milliseconds of lease', async () => {
    const client = new FakeClient(() => Promise.resolve(1));
    const store = new RedisIdempotencyStore({ client, leaseMs: 900.5 });
    expect(await store.renew('x', 'token-1')).toBe(true);
    expect(client.calls[0]?.args.slice(2)).toEqual(['composio-webhooks:x', 'token-1', 901]);
  });

  it('rejects a renew with a timeout error when Redis never answers', async () => {
    const store = new RedisIdempotencyStore({
      client: new FakeClient(() => new Promise(() => {})),
      timeoutMs: 20,
    });
    await expect(store.renew('x', 't')).rejects.toMatchObject({
      operation: 'renew',
      failure: 'timeout',
    });
  });

  it('passes whole milliseconds to PX', async () => {
    const client = new FakeClient(() => Promise.resolve(1));
    const store = new RedisIdempotencyStore({ client, leaseMs: 1500.2, completedTtlMs: 10.5 });
    const claim = await store.claim('x');
    expect(claim.status).toBe('claimed');
    await store.complete('x', claim.status === 'claimed' ? claim.token : '');
    expect(client.calls[0]?.args.slice(2)).toEqual([
      'composio-webhooks:x',
      expect.any(String),
      1501,
      'completed',
    ]);
    expect(client.calls[1]?.args.slice(3)).toEqual([expect.any(String), 'completed', 11]);
  });
});
