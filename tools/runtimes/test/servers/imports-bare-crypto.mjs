// The same with the bare name, as tsup writes node:crypto in a package's dist.
// biome-ignore lint/style/useNodejsImportProtocol: the bare name is what this fixture tests.
import { createHash } from 'crypto';

export default {
  fetch: () => new Response(createHash('sha256').update('abc').digest('hex')),
};
