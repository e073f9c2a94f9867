// One `next build` per test run (the tests then start the built app); its time is printed,
// since it runs in CI.
import { buildNext } from './next-app.js';

export default async function setup(): Promise<void> {
  const ms = await buildNext();
  console.log(`example-nextjs: next build took ${(ms / 1000).toFixed(1)} s`);
}
