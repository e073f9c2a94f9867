// GET /api/demo/handled?id=<webhook-id>: which handlers ran for a delivery (for `pnpm demo`).
import { handled } from '../../../../src/router';

export const dynamic = 'force-dynamic';

export function GET(request: Request): Response {
  const id = new URL(request.url).searchParams.get('id');
  return Response.json(handled.filter((record) => id === null || record.id === id));
}
