// The mistake the Pages Router invites: Next.js's body parser left on (no `config` export), so
// the raw bytes are gone. The test checks the answer (500 RAW_BODY_UNAVAILABLE).
import { composioApiRoute } from '@composio-webhooks/next';
import type { NextApiRequest, NextApiResponse } from 'next';
import { CONFORMANCE_OPTIONS, conformance, conformanceEnabled } from '../../../src/conformance';

const route = composioApiRoute({ ...CONFORMANCE_OPTIONS, router: conformance.router });

export default function handler(req: NextApiRequest, res: NextApiResponse) {
  if (!conformanceEnabled) return res.status(404).json({ ok: false, error: 'not found' });
  return route(req, res);
}
