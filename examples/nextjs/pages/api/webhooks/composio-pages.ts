// Pages Router: POST /api/webhooks/composio-pages. The body parser must be off so the exact raw
// bytes reach the signature check: export the config as is.
import { composioApiRoute } from '@composio-webhooks/next';
import { router } from '../../../src/router';

export default composioApiRoute({ router });
// Next.js reads this at build time: it must be the literal object (composioApiRoute.config holds the same).
export const config = { api: { bodyParser: false } };
