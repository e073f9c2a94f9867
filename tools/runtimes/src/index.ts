export { requireBuilt } from './built.js';
export {
  describeConformanceOnRuntimes,
  type RuntimeConformance,
  runtimeMatches,
} from './conformance.js';
export { describeExampleServer, type ExampleServerOptions } from './example-server.js';
export { type PackageScratch, packageScratch } from './package-scratch.js';
export { freePort } from './ports.js';
export { availableRuntimes, RUNTIMES, type RuntimeName, runtimeBinary } from './runtimes.js';
export {
  type RunningServer,
  type ServerLogs,
  type StartServerOptions,
  startServer,
} from './server.js';
export {
  type ServerlessOffline,
  type ServerlessOfflineOptions,
  startServerlessOffline,
} from './serverless-offline.js';
export {
  type InstallSpec,
  importedPackages,
  installSpecs,
  type ReadmeOpening,
  type ReadmeSnippetOptions,
  type ReadmeSnippets,
  readmeOpening,
  readmeSnippets,
} from './snippets.js';
export { type WebImports, webImports } from './web-imports.js';
export { capnpString, WORKERD_COMPATIBILITY_DATE, workerdConfig } from './workerd.js';
