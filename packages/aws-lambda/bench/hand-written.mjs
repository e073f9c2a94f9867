// The baseline: a hand-written Lambda handler that verifies the same signature with node:crypto
// and parses the JSON, with no dedupe, no validation and no routing.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function handWritten(secret) {
  const key = Buffer.from(secret, 'utf8');
  return async (event) => {
    const headers = event.headers ?? {};
    const id = headers['webhook-id'];
    const timestamp = headers['webhook-timestamp'];
    const signatures = headers['webhook-signature'];
    if (!id || !timestamp || !signatures) return { statusCode: 401, body: '' };
    const body = event.isBase64Encoded
      ? Buffer.from(event.body, 'base64')
      : Buffer.from(event.body);
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
    const valid = signatures.split(' ').some((entry) => {
      const given = Buffer.from(entry.slice(3), 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!valid) return { statusCode: 401, body: '' };
    const payload = JSON.parse(body.toString('utf8'));
    return { statusCode: 200, body: JSON.stringify({ ok: true, id: payload.id }) };
  };
}
