/**
 * Running a script on the user's ioredis client without ever hanging the receiver: wait for the
 * connection to be ready (never leave a command in ioredis's offline queue to run minutes later),
 * EVALSHA with an EVAL fallback on NOSCRIPT, and one deadline for the whole call.
 */
import { RedisIdempotencyError, type RedisStoreOperation } from './errors.js';
import type { LuaScript } from './scripts.js';

type ScriptArg = string | number;

/**
 * What the store uses of an ioredis client. An ioredis `Redis` or `Cluster` instance (5.x or
 * 6.x) fits; the type is structural so the store does not pin one ioredis copy.
 */
export interface RedisClientLike {
  evalsha(sha1: string, numkeys: number, ...args: ScriptArg[]): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: ScriptArg[]): Promise<unknown>;
  /** ioredis connection status: `ready`, `connecting`, `reconnecting`, `end`, … */
  readonly status?: string;
  once?(event: 'ready' | 'end', listener: () => void): unknown;
  removeListener?(event: 'ready' | 'end', listener: () => void): unknown;
}

type Waiter = { ready(): void; closed(): void };

/**
 * Holds calls made while the client is (re)connecting until it is ready. One pair of listeners
 * per store however many calls wait, and a waiter that timed out is forgotten at once.
 */
export class ReadyGate {
  private readonly waiters = new Set<Waiter>();
  private listening = false;

  constructor(private readonly client: RedisClientLike) {}

  /** `ready` now, `closed` for good, or `wait` for the next ready/end event. */
  state(): 'ready' | 'closed' | 'wait' {
    const { status } = this.client;
    // `wait` is a lazyConnect client that has not connected yet: the first command connects it.
    if (status === undefined || status === 'ready' || status === 'wait') return 'ready';
    if (status === 'end') return 'closed';
    if (typeof this.client.once !== 'function') return 'ready';
    return 'wait';
  }

  add(waiter: Waiter): () => void {
    this.waiters.add(waiter);
    this.listen();
    return () => {
      this.waiters.delete(waiter);
      if (this.waiters.size === 0) this.unlisten();
    };
  }

  private readonly onReady = (): void => this.flush('ready');
  private readonly onEnd = (): void => this.flush('closed');

  private flush(kind: 'ready' | 'closed'): void {
    this.unlisten();
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter[kind]();
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.client.once?.('ready', this.onReady);
    this.client.once?.('end', this.onEnd);
  }

  private unlisten(): void {
    if (!this.listening) return;
    this.listening = false;
    this.client.removeListener?.('ready', this.onReady);
    this.client.removeListener?.('end', this.onEnd);
  }
}

export interface RunScriptOptions {
  client: RedisClientLike;
  gate: ReadyGate;
  operation: RedisStoreOperation;
  script: LuaScript;
  key: string;
  args: ScriptArg[];
  /** Deadline for the whole call in ms; `false` waits as long as the client does. */
  timeoutMs: number | false;
}

/** Runs `script` on one key. Rejects with a `RedisIdempotencyError`; never hangs past the deadline. */
export function runScript(options: RunScriptOptions): Promise<unknown> {
  const { client, gate, operation, script, key, args, timeoutMs } = options;
  return new Promise<unknown>((resolve, reject) => {
    let settled = false;
    let forget: (() => void) | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const settle = (error: RedisIdempotencyError | undefined, value?: unknown): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      forget?.();
      if (error) reject(error);
      else resolve(value);
    };
    const closed = (): void =>
      settle(
        new RedisIdempotencyError(
          operation,
          'closed',
          `The ioredis client was closed (quit()/disconnect()), so ${operation} cannot reach Redis. Keep the client open while the receiver runs.`,
        ),
      );
    const failed = (cause: unknown): void =>
      // ioredis rejects commands with "Connection is closed." once quit()/disconnect() ran.
      client.status === 'end'
        ? closed()
        : settle(
            new RedisIdempotencyError(
              operation,
              'command',
              `Redis rejected ${operation} for ${key}: ${describe(cause)}`,
              { cause },
            ),
          );
    // Calls the client, turning a synchronous throw (a client that is not ioredis) into a failure.
    const call = (command: () => Promise<unknown>, onError: (cause: unknown) => void): void => {
      try {
        command().then((value) => settle(undefined, value), onError);
      } catch (cause) {
        failed(cause);
      }
    };
    const send = (): void => {
      if (settled) return;
      call(
        () => client.evalsha(script.sha, 1, key, ...args),
        (cause: unknown) => {
          // A restarted or flushed server forgot the script: EVAL sends it and caches it again.
          if (settled || !isNoScript(cause)) return failed(cause);
          call(() => client.eval(script.source, 1, key, ...args), failed);
        },
      );
    };

    if (timeoutMs !== false) {
      timer = setTimeout(() => {
        settle(
          new RedisIdempotencyError(
            operation,
            'timeout',
            `Redis did not answer ${operation} for ${key} within ${timeoutMs} ms (client status: ${client.status ?? 'unknown'}). Check that Redis is up and reachable, or raise timeoutMs.`,
          ),
        );
      }, timeoutMs);
      timer.unref?.();
    }

    const state = gate.state();
    if (state === 'ready') send();
    else if (state === 'closed') closed();
    else forget = gate.add({ ready: send, closed });
  });
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
