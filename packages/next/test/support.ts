import { requireBuilt } from '@composio-webhooks/test-runtimes';

/** The packaging and README tests load the built package. */
export const requireNextBuilt = () => requireBuilt(new URL('..', import.meta.url));
