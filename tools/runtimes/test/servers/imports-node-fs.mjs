// A Worker that imports a Node built-in: bundling it for workerd must fail and say which.
import { readFileSync } from 'node:fs';

export default {
  fetch: () => new Response(String(readFileSync)),
};
