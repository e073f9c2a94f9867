/**
 * Core's conformance suite against one app on several runtimes: each entry is started as a real
 * server process with `startServer()` and the whole suite runs over HTTP against it, after a
 * check that the process really is that runtime (its `GET /` answers `{ runtime }`).
 */
import {
  type ConformanceRunner,
  type ConformanceTarget,
  describeConformance,
} from '@composio-webhooks/core/testing/conformance';
import type { RuntimeName } from './runtimes.js';
import { startServer } from './server.js';

export interface RuntimeConformance {
  /** Shown in test names, e.g. `web handler`. */
  name: string;
  kind: ConformanceTarget['kind'];
  /** The server entry for each runtime; its `GET /` answers `{ runtime: 'bun 1.x' | … }`. */
  entries: Partial<Record<RuntimeName, string | URL>>;
  env?: Record<string, string>;
}

/** What `GET /` of a conformance server says about the runtime it runs on. */
export function runtimeMatches(runtime: RuntimeName, reported: string): boolean {
  const [name, version = ''] = reported.split(' ');
  if (runtime.startsWith('node'))
    return name === 'node' && version.startsWith(`${runtime.slice(4)}.`);
  return name === runtime;
}

export function describeConformanceOnRuntimes(
  target: RuntimeConformance,
  runner: ConformanceRunner,
): void {
  for (const [runtime, entry] of Object.entries(target.entries) as Array<
    [RuntimeName, string | URL]
  >) {
    describeConformance(
      {
        name: `${target.name} on ${runtime}`,
        kind: target.kind,
        async start() {
          const server = await startServer({
            runtime,
            entry,
            ...(target.env && { env: target.env }),
          });
          const reported = (await (await fetch(`${server.url}/`)).json()) as { runtime?: string };
          if (!runtimeMatches(runtime, String(reported.runtime))) {
            await server.close();
            throw new Error(
              `[@composio-webhooks/test-runtimes] the ${runtime} server reports ${JSON.stringify(reported.runtime)}.`,
            );
          }
          return server;
        },
      },
      runner,
    );
  }
}
