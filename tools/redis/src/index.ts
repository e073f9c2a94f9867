export {
  bundleScript,
  type EsbuildBuild,
  type Instance,
  type Posted,
  post,
  startInstance,
} from './processes.js';
export { RedisCluster } from './redis-cluster.js';
export { provideRedis } from './redis-global-setup.js';
export { RedisServer } from './redis-server.js';
