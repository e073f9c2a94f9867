export { freePort } from './ports.js';
export { availableRuntimes, RUNTIMES, type RuntimeName, runtimeBinary } from './runtimes.js';
export {
  type RunningServer,
  type ServerLogs,
  type StartServerOptions,
  startServer,
} from './server.js';
export { capnpString, WORKERD_COMPATIBILITY_DATE, workerdConfig } from './workerd.js';
