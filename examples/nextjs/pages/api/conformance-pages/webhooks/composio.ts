import { composioApiRoute } from '@composio-webhooks/next';
import type { NextApiRequest, NextApiResponse } from 'next';
import { CONFORMANCE_OPTIONS, conformance, conformanceEnabled } from '../../../../src/conformance';

const route = composioApiRoute({ ...CONFORMANCE_OPTIONS, router: conformance.router });

export default function handler(req: NextApiRequest, res: NextApiResponse) {
  if (!conformanceEnabled) return res.status(404).json({ ok: false, error: 'not found' });
  return route(req, res);
}
// Next.js reads this at build time: it must be the literal object (composioApiRoute.config holds the same).
export const config = { api: { bodyParser: false } };
