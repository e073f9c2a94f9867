/** The package prefix of every message this package writes or throws. */
export const PACKAGE_PREFIX = '[@composio-webhooks/bullmq]';

export function message(text: string): string {
  return `${PACKAGE_PREFIX} ${text}`;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
