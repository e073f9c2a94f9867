import type { NextConfig } from 'next';

const config: NextConfig = {
  // The conformance suite reads handler runs at <base>/__conformance/runs; Next.js treats
  // folders starting with `_` as private, so the path is rewritten to a plain route.
  async rewrites() {
    return [
      { source: '/conformance/__conformance/runs', destination: '/conformance/runs' },
      { source: '/api/conformance-pages/__conformance/runs', destination: '/conformance/runs' },
    ];
  },
};

export default config;
