import { conformance, conformanceEnabled, notFound } from '../../../src/conformance';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return conformanceEnabled ? Response.json(conformance.runs()) : notFound();
}
