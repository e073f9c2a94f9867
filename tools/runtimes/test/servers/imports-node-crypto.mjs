// A Worker that imports a Node built-in: bundling it for workerd fails unless nodejs_compat is on.
import { createHash } from 'node:crypto';

export default {
  fetch: () => new Response(createHash('sha256').update('abc').digest('hex')),
};
